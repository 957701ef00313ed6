"""Karpenter: a complete install, correctly ordered, per environment."""

from __future__ import annotations

import copy
import json

import pytest

import versions
from addons.karpenter.interruption import INTERRUPTION_EVENTS
from addons.karpenter.manifests import ec2_node_class, node_pool
from components.system_nodes import SYSTEM_NODE_LABEL, SYSTEM_NODE_TAINT
from tests.conftest import plan_with
from tests.graph import ref, tag_values
from tests.karpenter_v1_api import ec2_node_class_problems, node_pool_problems
from tests.stack_files import stack_config

RELEASE = "kubernetes:helm.sh/v3:Release"
NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
ROLE = "aws:iam/role:Role"


def karpenter_config(stack: str) -> dict:
    return stack_config(stack)["eks-platform:karpenter"]


def controller(stack):
    return stack.one(RELEASE, "karpenter")


def node_role(stack):
    return stack.one(ROLE, f"eks-platform-{stack.stack}-karpenter-node")


def controller_role(stack):
    return stack.one(ROLE, f"eks-platform-{stack.stack}-karpenter")


def policies(stack) -> dict[str, dict]:
    """Controller policy documents keyed by Sid."""
    docs = [json.loads(p["inputs"]["policy"]) for p in stack.of_type("aws:iam/policy:Policy")]
    return {statement["Sid"]: statement for doc in docs for statement in doc["Statement"]}


# --- Controller identity -------------------------------------------------------------


def test_controller_role_trusts_pod_identity_with_assume_and_tag_session(any_stack):
    trust = json.loads(controller_role(any_stack)["inputs"]["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(statement["Action"]) == ["sts:AssumeRole", "sts:TagSession"]


def karpenter_association(stack):
    return stack.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", f"eks-platform-{stack.stack}-karpenter")


def test_pod_identity_association_binds_the_controller_service_account(any_stack):
    association = karpenter_association(any_stack)
    values = controller(any_stack)["inputs"]["values"]
    assert association["inputs"]["namespace"] == controller(any_stack)["inputs"]["namespace"] == "kube-system"
    assert association["inputs"]["serviceAccount"] == values["serviceAccount"]["name"]
    assert ref(controller_role(any_stack)) in association["dependencies"]
    assert association["inputs"]["clusterName"] == any_stack.outputs["clusterName"]


def test_irsa_is_a_settings_alternative_scoped_to_the_service_account(dev):
    irsa = plan_with("dev", lambda config: config["eks-platform:karpenter"].update(identity="irsa"))
    trust = json.loads(controller_role(irsa)["inputs"]["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"]["Federated"] == irsa.outputs["oidcProviderArn"]
    conditions = statement["Condition"]["StringEquals"]
    assert any(k.endswith(":sub") and v == "system:serviceaccount:kube-system:karpenter" for k, v in conditions.items())
    associations = irsa.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert all(a["inputs"]["serviceAccount"] != "karpenter" for a in associations)
    annotations = controller(irsa)["inputs"]["values"]["serviceAccount"]["annotations"]
    assert annotations["eks.amazonaws.com/role-arn"].endswith(":role/eks-platform-dev-karpenter")
    assert controller(dev)["inputs"]["values"]["serviceAccount"]["annotations"] == {}


# --- Controller policy ------------------------------------------------------------------

OFFICIAL_SIDS = {
    "AllowScopedEC2InstanceAccessActions",
    "AllowScopedEC2LaunchTemplateAccessActions",
    "AllowScopedEC2InstanceActionsWithTags",
    "AllowScopedResourceCreationTagging",
    "AllowScopedResourceTagging",
    "AllowScopedDeletion",
    "AllowPassingInstanceRole",
    "AllowScopedInstanceProfileCreationActions",
    "AllowScopedInstanceProfileTagActions",
    "AllowScopedInstanceProfileActions",
    "AllowAPIServerEndpointDiscovery",
    "AllowInterruptionQueueActions",
    "AllowRegionalReadActions",
    "AllowSSMReadActions",
    "AllowPricingReadActions",
    "AllowUnscopedInstanceProfileListAction",
    "AllowInstanceProfileReadActions",
}
READ_ONLY_PREFIXES = ("Describe", "Get", "List")


def test_controller_has_every_statement_of_the_official_policy_attached(any_stack):
    # The official statements, plus the subnets and security groups split out to hold them to the VPC.
    assert set(policies(any_stack)) == OFFICIAL_SIDS | {"AllowEC2InstanceAccessInTheClusterVpc"}
    role_name = controller_role(any_stack)["inputs"]["name"]
    attached_policies = {
        dependency
        for attachment in any_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if attachment["inputs"]["role"] == role_name
        for dependency in attachment["dependencies"]
        if dependency.startswith("aws:iam/policy:Policy::")
    }
    assert attached_policies == {ref(p) for p in any_stack.of_type("aws:iam/policy:Policy")}
    assert len(attached_policies) == 5


def test_no_wildcard_resource_on_a_mutating_action(any_stack):
    for sid, statement in policies(any_stack).items():
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if "*" in resources:
            assert all(a.split(":")[1].startswith(READ_ONLY_PREFIXES) for a in actions), sid


def test_mutations_are_scoped_to_this_cluster_by_tag(any_stack):
    cluster = any_stack.outputs["clusterName"]
    owned = f"aws:ResourceTag/kubernetes.io/cluster/{cluster}"
    requested = f"aws:RequestTag/kubernetes.io/cluster/{cluster}"
    statements = policies(any_stack)
    for sid in ("AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedResourceTagging", "AllowScopedDeletion"):
        assert statements[sid]["Condition"]["StringEquals"][owned] == "owned", sid
    for sid in ("AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging"):
        assert statements[sid]["Condition"]["StringEquals"][requested] == "owned", sid
        assert statements[sid]["Condition"]["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"] == cluster
    region = any_stack.outputs["region"]
    assert statements["AllowRegionalReadActions"]["Condition"]["StringEquals"]["aws:RequestedRegion"] == region


def test_pass_role_describe_cluster_and_queue_access_name_this_stacks_resources(any_stack):
    statements = policies(any_stack)
    assert statements["AllowPassingInstanceRole"]["Resource"].endswith(
        f":role/{node_role(any_stack)['inputs']['name']}"
    )
    assert statements["AllowPassingInstanceRole"]["Condition"]["StringEquals"]["iam:PassedToService"] == [
        "ec2.amazonaws.com"
    ]
    assert statements["AllowAPIServerEndpointDiscovery"]["Resource"].endswith(
        f":cluster/{any_stack.outputs['clusterName']}"
    )
    queue = any_stack.one("aws:sqs/queue:Queue")
    assert statements["AllowInterruptionQueueActions"]["Resource"].endswith(f":{queue['inputs']['name']}")


# --- Nodes ------------------------------------------------------------------------------


def test_node_role_has_worker_ecr_pull_and_ssm_and_an_ec2_linux_access_entry(any_stack):
    role = node_role(any_stack)
    assert json.loads(role["inputs"]["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    attached = {
        a["inputs"]["policyArn"].rsplit("/", 1)[-1]
        for a in any_stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a["inputs"]["role"] == role["inputs"]["name"]
    }
    assert attached == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonSSMManagedInstanceCore",
    }
    entry = any_stack.one("aws:eks/accessEntry:AccessEntry")
    assert entry["inputs"]["type"] == "EC2_LINUX"
    assert entry["inputs"]["principalArn"].endswith(f":role/{role['inputs']['name']}")
    assert ref(role) in entry["dependencies"]


def test_node_role_name_fits_iam_limit(any_stack):
    assert len(node_role(any_stack)["inputs"]["name"]) <= 64


def test_discovery_tag_on_private_subnets_and_exactly_one_security_group(any_stack):
    cluster = any_stack.outputs["clusterName"]
    tagged_subnets = [
        s for s in any_stack.of_type("aws:ec2/subnet:Subnet") if tag_values(s).get("karpenter.sh/discovery") == cluster
    ]
    assert {tag_values(s)["tier"] for s in tagged_subnets} == {"private"}
    assert len(tagged_subnets) == len(any_stack.outputs["subnetIds"]["private"])
    eks_cluster = any_stack.one("eks:index:Cluster")
    assert eks_cluster["inputs"]["nodeSecurityGroupTags"] == {"karpenter.sh/discovery": cluster}
    other_groups = [
        g for g in any_stack.of_type("aws:ec2/securityGroup:SecurityGroup") if "karpenter.sh/discovery" in tag_values(g)
    ]
    assert other_groups == []


def test_system_nodes_join_only_the_node_security_group_karpenter_nodes_use(any_stack):
    template = any_stack.one("aws:ec2/launchTemplate:LaunchTemplate")
    assert template["inputs"]["vpcSecurityGroupIds"] == [any_stack.outputs["nodeSecurityGroupId"]]


# --- Interruption ----------------------------------------------------------------------


def test_interruption_queue_is_encrypted_and_short_lived(any_stack):
    queue = any_stack.one("aws:sqs/queue:Queue")
    assert queue["inputs"]["sqsManagedSseEnabled"] is True
    assert queue["inputs"]["messageRetentionSeconds"] == 300


def test_queue_policy_lets_only_this_stacks_rules_send_and_denies_plain_http(any_stack):
    queue = any_stack.one("aws:sqs/queue:Queue")
    policy = any_stack.one("aws:sqs/queuePolicy:QueuePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy["inputs"]["policy"])["Statement"]}
    write = statements["EventBridgeWrite"]
    assert write["Principal"]["Service"] == "events.amazonaws.com"
    assert write["Action"] == "sqs:SendMessage"
    assert write["Resource"].endswith(queue["inputs"]["name"])
    rules = {ref(rule) for rule in any_stack.of_type("aws:cloudwatch/eventRule:EventRule")}
    assert len(write["Condition"]["ArnEquals"]["aws:SourceArn"]) == len(rules) == 5
    assert rules <= set(policy["dependencies"])
    assert statements["DenyHTTP"]["Effect"] == "Deny"
    assert ref(queue) in policy["dependencies"]


def test_five_event_rules_with_the_official_patterns_each_targeting_the_queue(any_stack):
    queue = any_stack.one("aws:sqs/queue:Queue")
    patterns = {
        (tuple(p["source"]), tuple(p["detail-type"]))
        for p in (
            json.loads(r["inputs"]["eventPattern"]) for r in any_stack.of_type("aws:cloudwatch/eventRule:EventRule")
        )
    }
    assert patterns == {
        (("aws.health",), ("AWS Health Event",)),
        (("aws.ec2",), ("EC2 Spot Instance Interruption Warning",)),
        (("aws.ec2",), ("EC2 Instance Rebalance Recommendation",)),
        (("aws.ec2",), ("EC2 Instance State-change Notification",)),
        (("aws.ec2",), ("EC2 Capacity Reservation Instance Interruption Warning",)),
    }
    targets = any_stack.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == len(INTERRUPTION_EVENTS)
    for target in targets:
        assert target["inputs"]["arn"].endswith(queue["inputs"]["name"])
        assert ref(queue) in target["dependencies"]


# --- Charts -----------------------------------------------------------------------------


def test_crd_chart_and_controller_chart_pinned_from_the_versions_module(any_stack):
    crds, chart = any_stack.one(RELEASE, "karpenter-crd"), controller(any_stack)
    for release, key in ((crds, "karpenter-crd"), (chart, "karpenter")):
        assert release["inputs"]["chart"] == versions.HELM_CHARTS[key].chart
        assert release["inputs"]["version"] == versions.HELM_CHARTS[key].version
        assert release["inputs"]["chart"].startswith("oci://public.ecr.aws/karpenter/")
    assert chart["inputs"]["skipCrds"] is True


def test_controller_values(any_stack):
    values = controller(any_stack)["inputs"]["values"]
    queue = any_stack.one("aws:sqs/queue:Queue")
    assert values["settings"]["clusterName"] == any_stack.outputs["clusterName"]
    assert values["settings"]["interruptionQueue"] == queue["inputs"]["name"]
    assert values["replicas"] == 2
    assert values["dnsPolicy"] == "Default"
    resources = values["controller"]["resources"]
    assert resources["requests"] == resources["limits"]
    assert SYSTEM_NODE_LABEL.items() <= values["nodeSelector"].items()
    (toleration,) = values["tolerations"]
    assert (toleration["key"], toleration["value"]) == (SYSTEM_NODE_TAINT["key"], SYSTEM_NODE_TAINT["value"])
    assert toleration["effect"] == "NoSchedule"


def test_charts_and_node_objects_use_the_explicit_kubernetes_provider(any_stack):
    provider = ref(any_stack.one("pulumi:providers:kubernetes"))
    objects = [*any_stack.of_type(RELEASE), *any_stack.of_type(NODE_CLASS), *any_stack.of_type(NODE_POOL)]
    assert len(objects) >= 4
    assert all(obj["provider"] == provider for obj in objects)


# --- Ordering ---------------------------------------------------------------------------


def test_controller_waits_for_nodes_dns_pod_identity_access_entry_queue_and_crds(any_stack):
    chart = controller(any_stack)
    explicit = set(chart["dependsOn"])
    assert {
        ref(any_stack.one("eks:index:ManagedNodeGroup")),
        "aws:eks/addon:Addon::coredns",
        "aws:eks/addon:Addon::eks-pod-identity-agent",
        ref(any_stack.one("aws:eks/accessEntry:AccessEntry")),
        ref(any_stack.one("aws:sqs/queuePolicy:QueuePolicy")),
        ref(any_stack.one(RELEASE, "karpenter-crd")),
        ref(karpenter_association(any_stack)),
    } <= explicit
    # The queue feeds the values (its name), which is an edge of its own.
    assert ref(any_stack.one("aws:sqs/queue:Queue")) in chart["dependencies"]


def test_node_class_and_pools_come_after_the_crds_and_the_controller(any_stack):
    needed = {ref(any_stack.one(RELEASE, "karpenter-crd")), ref(controller(any_stack))}
    for obj in [*any_stack.of_type(NODE_CLASS), *any_stack.of_type(NODE_POOL)]:
        assert needed <= set(obj["dependsOn"]), obj["name"]


def test_no_cluster_autoscaler_anywhere(any_stack):
    assert "cluster-autoscaler" not in any_stack.text()
    assert "autoscaler" not in {r["name"] for r in any_stack.of_type(RELEASE)}


# --- EC2NodeClass and NodePools -------------------------------------------------------


def test_node_class_names_the_node_role_exactly_and_pins_the_ami(any_stack):
    (node_class,) = any_stack.of_type(NODE_CLASS)
    spec = node_class["inputs"]["spec"]
    assert spec["role"] == node_role(any_stack)["inputs"]["name"]
    (term,) = spec["amiSelectorTerms"]
    family = karpenter_config(any_stack.stack)["amiFamily"]
    assert term == {"alias": versions.KARPENTER_AMI_ALIASES[family]}
    assert not term["alias"].endswith("@latest")


def test_node_class_discovers_subnets_and_security_group_by_tag_with_imdsv2_and_encrypted_gp3(any_stack):
    spec = any_stack.one(NODE_CLASS)["inputs"]["spec"]
    discovery = [{"tags": {"karpenter.sh/discovery": any_stack.outputs["clusterName"]}}]
    assert spec["subnetSelectorTerms"] == discovery
    assert spec["securityGroupSelectorTerms"] == discovery
    assert spec["metadataOptions"]["httpTokens"] == "required"
    assert spec["metadataOptions"]["httpPutResponseHopLimit"] == 1
    for mapping in spec["blockDeviceMappings"]:
        assert mapping["ebs"]["encrypted"] is True
        assert mapping["ebs"]["volumeType"] == "gp3"
    assert spec["tags"]["stack"] == any_stack.stack


def node_pools(stack) -> dict[str, dict]:
    return {p["inputs"]["metadata"]["name"]: p["inputs"]["spec"] for p in stack.of_type(NODE_POOL)}


def requirement(spec: dict, key: str) -> dict:
    (found,) = [r for r in spec["template"]["spec"]["requirements"] if r["key"] == key]
    return found


def test_dev_has_one_spot_first_pool_with_on_demand_fallback_and_low_limits(dev, prod):
    (spec,) = node_pools(dev).values()
    assert requirement(spec, "karpenter.sh/capacity-type")["values"] == ["spot", "on-demand"]
    prod_cpu = sum(int(p["limits"]["cpu"]) for p in node_pools(prod).values())
    assert int(spec["limits"]["cpu"]) < prod_cpu


def test_prod_has_an_on_demand_critical_pool_and_a_mixed_general_pool(prod):
    pools = node_pools(prod)
    assert set(pools) == {"critical", "general"}
    assert requirement(pools["critical"], "karpenter.sh/capacity-type")["values"] == ["on-demand"]
    assert set(requirement(pools["general"], "karpenter.sh/capacity-type")["values"]) == {"spot", "on-demand"}
    assert pools["critical"]["template"]["spec"]["taints"][0]["effect"] == "NoSchedule"
    for spec in pools.values():
        assert set(requirement(spec, "kubernetes.io/arch")["values"]) == {"amd64", "arm64"}
        assert requirement(spec, "karpenter.k8s.aws/instance-category")["operator"] == "In"
        generation = requirement(spec, "karpenter.k8s.aws/instance-generation")
        assert generation["operator"] == "Gt"
        assert int(generation["values"][0]) >= 4


def test_every_pool_has_limits_consolidation_expiry_and_budgets(any_stack):
    for name, spec in node_pools(any_stack).items():
        assert set(spec["limits"]) == {"cpu", "memory"}, name
        assert spec["disruption"]["consolidationPolicy"] in ("WhenEmpty", "WhenEmptyOrUnderutilized")
        assert spec["disruption"]["consolidateAfter"]
        assert spec["disruption"]["budgets"]
        assert spec["template"]["spec"]["expireAfter"].endswith("h")
        assert (
            spec["template"]["spec"]["nodeClassRef"]["name"] == any_stack.one(NODE_CLASS)["inputs"]["metadata"]["name"]
        )


def test_prod_disrupts_at_most_ten_percent_and_nothing_in_business_hours(prod, prod_dr):
    quiet = karpenter_config("prod")["disruption"]["quietHours"]
    for stack in (prod, prod_dr):
        for spec in node_pools(stack).values():
            budgets = spec["disruption"]["budgets"]
            percentages = [int(b["nodes"].rstrip("%")) for b in budgets if b["nodes"].endswith("%")]
            assert percentages
            assert max(percentages) <= 10
            assert {"nodes": "0", "schedule": quiet["schedule"], "duration": quiet["duration"]} in budgets


def test_standby_pool_limits_come_from_standby_settings(prod_dr):
    pools = karpenter_config("prod-dr")["nodePools"]
    for name, spec in node_pools(prod_dr).items():
        assert spec["limits"] == {key: str(value) for key, value in pools[name]["standbyLimits"].items()}


# --- Karpenter v1 API -------------------------------------------------------------------


def test_every_node_class_and_pool_satisfies_the_v1_api(any_stack):
    for obj in any_stack.of_type(NODE_CLASS):
        assert ec2_node_class_problems(obj["inputs"]) == []
    for obj in any_stack.of_type(NODE_POOL):
        assert node_pool_problems(obj["inputs"]) == []


def pool_settings(stack: str):
    from settings import parse_settings
    from settings.source import stack_files

    return parse_settings("eks-platform", stack, stack_config(stack), stack_files).karpenter


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda o: o["spec"]["template"]["spec"]["nodeClassRef"].pop("group"), "nodeClassRef.group is required"),
        (lambda o: o["spec"]["disruption"].pop("consolidateAfter"), "consolidateAfter is required"),
        (lambda o: o["spec"]["disruption"]["budgets"].append({"nodes": "0", "schedule": "@daily"}), "go together"),
        (lambda o: o["spec"]["template"]["spec"]["requirements"][4].update(values=["five"]), "non-negative integer"),
        (lambda o: o["spec"]["template"]["spec"].update(expireAfter="30d"), "expireAfter"),
    ],
)
def test_v1_check_catches_a_broken_node_pool(breakage, problem):
    obj = copy.deepcopy(node_pool(pool_settings("prod").node_pools[0]))
    assert node_pool_problems(obj) == []
    breakage(obj)
    assert any(problem in p for p in node_pool_problems(obj))


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda o: o["spec"].update(role=""), "exactly one of spec.role"),
        (lambda o: o["spec"].update(instanceProfile="x"), "exactly one of spec.role"),
        (lambda o: o["spec"]["amiSelectorTerms"][0].update(alias="al2023"), "alias"),
        (lambda o: o["spec"].pop("subnetSelectorTerms"), "subnetSelectorTerms is required"),
        (lambda o: o["spec"]["blockDeviceMappings"][0]["ebs"].update(volumeSize="100GB"), "volumeSize"),
        (lambda o: o["spec"]["tags"].update({"karpenter.sh/nodepool": "x"}), "managed by Karpenter"),
    ],
)
def test_v1_check_catches_a_broken_node_class(breakage, problem):
    obj = copy.deepcopy(ec2_node_class(pool_settings("prod"), "c", "role-name", {"team": "a"}, "arn:aws:kms:x"))
    assert ec2_node_class_problems(obj) == []
    breakage(obj)
    assert any(problem in p for p in ec2_node_class_problems(obj))
