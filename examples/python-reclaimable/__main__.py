"""A ReclaimableAccount from Python: `pulumi package add ../../component` generated the `pulumi_cognitive_reclaim`
SDK this program imports (see docs/languages.md)."""

import pulumi
import pulumi_cognitive_reclaim as cognitive_reclaim

config = pulumi.Config()
account_name = config.require("accountName")

ai = cognitive_reclaim.ReclaimableAccount(
    "ai",
    account_name=account_name,
    resource_group_name=config.require("resourceGroupName"),
    location="eastus",
    kind="OpenAI",
    sku=cognitive_reclaim.AccountSkuArgs(name="S0"),
    properties=cognitive_reclaim.AccountPropertiesArgs(custom_sub_domain_name=account_name),
    # A soft-deleted account of this name is purged (permanently) and a new one created.
    if_soft_deleted=cognitive_reclaim.IfSoftDeleted.PURGE,
    purge_on_destroy=False,
)

pulumi.export("endpoint", ai.endpoint)
pulumi.export("purged", ai.purged)
