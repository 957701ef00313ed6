"""Worker nodes: the instance metadata service, their volumes and their addresses.

Nodes come from a launch template (the system node group's), from Karpenter's EC2NodeClass, or from
a node group that brings no template (EKS's own). A real preview also shows the
`aws:eks/nodeGroup:NodeGroup` pulumi-eks's ManagedNodeGroup creates; each rule checks every shape it sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policy.rules.common import as_list, truthy

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
NODE_GROUPS = ("eks:index:ManagedNodeGroup", "aws:eks/nodeGroup:NodeGroup")
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
# The CSI driver and the in-tree name Kubernetes migrates to it; both read the same parameters.
EBS_PROVISIONERS = ("ebs.csi.aws.com", "kubernetes.io/aws-ebs")
EKS_COMPONENT = "eks:index:Cluster"
SUBNET = "aws:ec2/subnet:Subnet"


def _spec(args: ResourceValidationArgs) -> Mapping[str, Any]:
    return args.props.get("spec") or {}


# --- node-imdsv2-hop-limit-1 ---


def _imdsv2_hop_limit_1(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LAUNCH_TEMPLATE:
        _check_metadata_options(args.props.get("metadataOptions"), "metadataOptions", report)
    elif args.resource_type == EC2_NODE_CLASS:
        _check_metadata_options(_spec(args).get("metadataOptions"), "spec.metadataOptions", report)
    elif args.resource_type in NODE_GROUPS and not args.props.get("launchTemplate"):
        report(
            "the node group sets no launchTemplate, so EKS's default template applies (httpPutResponseHopLimit 2: "
            "pods reach the node role's credentials); give it a launch template with httpTokens required and "
            "hop limit 1",
            None,
        )


def _check_metadata_options(options: Any, where: str, report: ReportViolation) -> None:
    # Set explicitly even where a default would do (Karpenter's): a changed default must not loosen it.
    options = options or {}
    tokens, hops = options.get("httpTokens"), options.get("httpPutResponseHopLimit")
    if tokens != "required":
        report(f"{where}.httpTokens is {tokens!r}: only 'required' (IMDSv2) is allowed", None)
    if hops != 1:
        shown = int(hops) if isinstance(hops, float) and hops.is_integer() else hops  # a preview's numbers are floats
        report(
            f"{where}.httpPutResponseHopLimit is {shown!r}: only 1 is allowed, so pods cannot reach the node's "
            "instance credentials",
            None,
        )


# --- node-volumes-encrypted-with-our-key ---


def _volumes_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LAUNCH_TEMPLATE:
        _check_mappings(args.props.get("blockDeviceMappings"), "kmsKeyId", report)
    elif args.resource_type == EC2_NODE_CLASS:
        _check_mappings(_spec(args).get("blockDeviceMappings"), "kmsKeyID", report)
    elif args.resource_type == STORAGE_CLASS and args.props.get("provisioner") in EBS_PROVISIONERS:
        _check_storage_class(args.props.get("parameters") or {}, report)


def _check_mappings(mappings: Any, key_field: str, report: ReportViolation) -> None:
    volumes = [mapping for mapping in as_list(mappings) if mapping.get("ebs")]
    if not volumes:
        report(
            "no blockDeviceMappings with ebs: the root volume takes the AMI's (or Karpenter's) default, not "
            f"encrypted with our key; map the root device with ebs.encrypted true and {key_field}",
            None,
        )
    for mapping in volumes:
        device, ebs = mapping.get("deviceName"), mapping["ebs"]
        if not truthy(ebs.get("encrypted")):
            report(f"{device}: ebs.encrypted is {ebs.get('encrypted')!r}: only true is allowed", None)
        if not ebs.get(key_field):
            report(
                f"{device}: ebs sets no {key_field}: volumes must use the platform's KMS key, not the "
                "AWS-managed aws/ebs key",
                None,
            )


def _check_storage_class(parameters: Mapping[str, Any], report: ReportViolation) -> None:
    if not truthy(parameters.get("encrypted")):
        report(f'parameters.encrypted is {parameters.get("encrypted")!r}: only "true" is allowed', None)
    if not parameters.get("kmsKeyId"):
        report("parameters sets no kmsKeyId: volumes must use the platform's KMS key, not aws/ebs", None)


# --- nodes-without-public-ips ---


def _no_public_ips(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == EKS_COMPONENT:
        value = args.props.get("nodeAssociatePublicIpAddress")
        if value is not False:
            # Unset, pulumi-eks gives the nodes it creates public addresses.
            report(f"nodeAssociatePublicIpAddress is {value!r}: only false is allowed", None)
    elif args.resource_type == LAUNCH_TEMPLATE:
        for interface in as_list(args.props.get("networkInterfaces")):
            value = interface.get("associatePublicIpAddress")
            if truthy(value):
                report(f"networkInterfaces[].associatePublicIpAddress is {value!r}: only false or unset", None)
    elif args.resource_type == SUBNET:
        value = args.props.get("mapPublicIpOnLaunch")
        if truthy(value):
            report(
                f"mapPublicIpOnLaunch is {value!r}: only false is allowed (NAT gateways and load balancers bring "
                "their own addresses)",
                None,
            )


POLICIES = [
    ResourceValidationPolicy(
        name="node-imdsv2-hop-limit-1",
        description="Nodes require IMDSv2 with a hop limit of 1, so pods cannot use the node's credentials.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_imdsv2_hop_limit_1,
    ),
    ResourceValidationPolicy(
        name="node-volumes-encrypted-with-our-key",
        description="Node and persistent EBS volumes are encrypted with the platform's KMS key.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_volumes_encrypted,
    ),
    ResourceValidationPolicy(
        name="nodes-without-public-ips",
        description="Nodes get no public IP addresses: not from the cluster, the launch template or the subnet.",
        enforcement_level=EnforcementLevel.MANDATORY,
        validate=_no_public_ips,
    ),
]
