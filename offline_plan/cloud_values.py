"""Realistic computed values (ids, ARNs, endpoints) for resources the mocks create."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

# The account when a stack file names none (the settings then refuse the stack anyway).
DEFAULT_ACCOUNT_ID = "123456789012"

# Resource id prefixes the EC2 API uses, so ids in the plan look like the real ones.
_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
}


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def physical_name(stack: str, name: str) -> str:
    """Pulumi auto-naming: the logical name plus a random-looking 7-character suffix."""
    return f"{name}-{digest(stack, name, length=7)}"


def resource_id(stack: str, typ: str, name: str) -> str:
    return _ID_PREFIXES.get(typ, "") + digest(stack, typ, name)


def computed_state(
    typ: str, name: str, inputs: dict[str, Any], region: str, stack: str, account: str
) -> dict[str, Any]:
    """What the provider would report after create, for the properties the program reads."""
    rid = resource_id(stack, typ, name)
    arn_prefix = f"arn:aws:{{service}}:{region}:{account}"
    state: dict[str, Any] = {}
    if typ == "aws:iam/role:Role":
        role_name = inputs.get("name") or physical_name(stack, name)
        state = {"name": role_name, "arn": f"arn:aws:iam::{account}:role/{role_name}", "uniqueId": rid.upper()}
    elif typ == "aws:kms/key:Key":
        key_id = str(uuid.UUID(digest(stack, typ, name, length=32)))
        state = {"keyId": key_id, "arn": f"{arn_prefix.format(service='kms')}:key/{key_id}"}
        rid = key_id
    elif typ == "aws:cloudwatch/logGroup:LogGroup":
        group = inputs.get("name") or physical_name(stack, name)
        state = {"name": group, "arn": f"{arn_prefix.format(service='logs')}:log-group:{group}"}
    elif typ == "aws:ec2/eip:Eip":
        state = {"allocationId": rid, "publicIp": f"198.18.{int(rid[-4:], 16) % 256}.{int(rid[-2:], 16)}"}
    elif typ == "aws:ec2/launchTemplate:LaunchTemplate":
        state = {"latestVersion": 1, "arn": f"{arn_prefix.format(service='ec2')}:launch-template/{rid}"}
    elif typ == "aws:eks/addon:Addon":
        addon_path = f"{inputs.get('clusterName')}/{inputs.get('addonName')}/{digest(stack, name, length=8)}"
        state = {"arn": f"{arn_prefix.format(service='eks')}:addon/{addon_path}"}
    elif typ == "aws:sqs/queue:Queue":
        queue = inputs.get("name") or physical_name(stack, name)
        state = {
            "name": queue,
            "arn": f"{arn_prefix.format(service='sqs')}:{queue}",
            "url": f"https://sqs.{region}.amazonaws.com/{account}/{queue}",
        }
        rid = state["url"]
    elif typ == "aws:s3/bucket:Bucket":
        bucket = inputs.get("bucket") or physical_name(stack, name)
        state = {"bucket": bucket, "arn": f"arn:aws:s3:::{bucket}", "region": region}
        rid = bucket
    elif typ == "aws:amp/workspace:Workspace":
        workspace = f"ws-{digest(stack, name, length=8)}-{digest(name, length=4)}"
        state = {
            "arn": f"{arn_prefix.format(service='aps')}:workspace/{workspace}",
            "prometheusEndpoint": f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{workspace}/",
        }
        rid = workspace
    elif typ == "aws:iam/policy:Policy":
        policy = inputs.get("name") or physical_name(stack, name)
        state = {"name": policy, "arn": f"arn:aws:iam::{account}:policy/{policy}"}
    elif typ == "aws:cloudwatch/eventRule:EventRule":
        rule = inputs.get("name") or physical_name(stack, name)
        state = {"name": rule, "arn": f"{arn_prefix.format(service='events')}:rule/{rule}"}
    elif typ == "random:index/randomPassword:RandomPassword":
        # Never a real password: the offline plan only needs a value of the right length.
        length = int(inputs.get("length", 16))
        state = {"result": (digest(stack, name, length=64) * (length // 64 + 1))[:length]}
    elif typ.startswith("tls:index/"):
        state = _tls_state(typ, digest(stack, typ, name))
    elif typ.startswith("aws:ec2/"):
        kind = typ.split(":")[-1].lower()
        state = {"arn": f"{arn_prefix.format(service='ec2')}:{kind}/{rid}", "ownerId": account}
    elif typ.startswith("aws:"):
        service, kind = typ.split(":")[1].split("/")[0], typ.split(":")[-1].lower()
        state = {"arn": f"{arn_prefix.format(service=service)}:{kind}/{rid}"}
    return {"id": rid, **state}


# Outputs the engine stores as secrets (the providers' additionalSecretOutputs); the mocks do the same.
ENGINE_SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {
    "tls:index/privateKey:PrivateKey": ("privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"),
}


def _pem(label: str, body: str) -> str:
    """PEM-shaped, never a real key or certificate: the offline plan only needs the shape."""
    return f"-----BEGIN {label}-----\noffline-plan {body}\n-----END {label}-----\n"


def _tls_state(typ: str, body: str) -> dict[str, Any]:
    """pulumi_tls's outputs: keys, certificates and requests as PEM text."""
    if typ == "tls:index/privateKey:PrivateKey":
        return {
            "privateKeyPem": _pem("PRIVATE KEY", body),
            "privateKeyPemPkcs8": _pem("PRIVATE KEY", body),
            "privateKeyOpenssh": _pem("OPENSSH PRIVATE KEY", body),
            "publicKeyPem": _pem("PUBLIC KEY", body),
            "publicKeyFingerprintSha256": f"SHA256:{body}",
        }
    if typ == "tls:index/certRequest:CertRequest":
        return {"certRequestPem": _pem("CERTIFICATE REQUEST", body)}
    # SelfSignedCert and LocallySignedCert.
    return {"certPem": _pem("CERTIFICATE", body), "readyForRenewal": False, "keyAlgorithm": "RSA"}


def eks_cluster_state(cluster_name: str, region: str, stack: str, account: str) -> dict[str, Any]:
    """The aws:eks/cluster:Cluster that pulumi-eks would create, as its outputs read it."""
    issuer_id = digest(stack, cluster_name, length=32).upper()
    endpoint = f"https://{issuer_id}.gr7.{region}.eks.amazonaws.com"
    return {
        "name": cluster_name,
        "arn": f"arn:aws:eks:{region}:{account}:cluster/{cluster_name}",
        "endpoint": endpoint,
        "certificateAuthority": {"data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
        "identities": [{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{issuer_id}"}]}],
        "vpcConfig": {"clusterSecurityGroupId": "sg-" + digest(stack, cluster_name, "cluster-sg")},
        "status": "ACTIVE",
    }


def kubeconfig(cluster_name: str, endpoint: str, region: str, role_arn: str | None) -> dict[str, Any]:
    """The exec-based kubeconfig pulumi-eks renders for a cluster (assuming `role_arn` if given)."""
    role = ["--role-arn", role_arn] if role_arn else []
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": "LS0t"}}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "users": [
            {
                "name": cluster_name,
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "aws",
                        "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region, *role],
                    }
                },
            }
        ],
    }


ALB_HOSTED_ZONES = Path(__file__).resolve().parent.parent / "settings" / "data" / "alb_hosted_zones.json"


def alb_hosted_zone(region: str) -> str:
    zones: dict[str, str] = json.loads(ALB_HOSTED_ZONES.read_text())["zones"]
    if region not in zones:
        raise KeyError(f"no ALB hosted zone for {region} in {ALB_HOSTED_ZONES.name}; add it from its cited source")
    return zones[region]


def ingress_status(inputs: dict[str, Any], name: str, stack: str, region: str) -> dict[str, Any]:
    """The address the AWS Load Balancer Controller writes back: k8s-<ns>-<name>-<hash>.<region>.elb.amazonaws.com
    (internal ALBs start with internal-)."""
    metadata = inputs.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    scheme = "internal-" if annotations.get("alb.ingress.kubernetes.io/scheme") == "internal" else ""
    label = f"k8s-{metadata.get('namespace', 'default')}-{metadata.get('name', name)}"[:32]
    number = int(digest(name, length=6), 16) % 10**9
    host = f"{scheme}{label}-{digest(stack, name, length=10)}-{number}.{region}.elb.amazonaws.com"
    return {"loadBalancer": {"ingress": [{"hostname": host}]}}
