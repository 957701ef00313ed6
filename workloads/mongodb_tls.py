"""The replica set's private CA and its member certificate, generated into Pulumi state.

Private keys exist only as Pulumi secrets and in the Kubernetes Secret mongod reads. All members
share one certificate: a StatefulSet mounts the same Secret into every pod, so per-member keys
would still sit in every pod.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_tls as tls

TLS_SECRET = "mongodb-tls"
CA_FILE = "ca.crt"
# mongod wants the certificate and its key in one PEM file.
MEMBER_PEM = "member.pem"
# Settings allow 1, 3, 5 or 7 members: naming all seven keeps the certificate valid when a
# standby is promoted to its full member count or the set grows.
MAX_MEMBERS = 7
ORGANIZATION = "eks-platform"
CA_VALIDITY_HOURS = 10 * 365 * 24
MEMBER_VALIDITY_HOURS = 365 * 24
# The first `pulumi up` in the last 30 days re-issues the certificate; the pod template's
# checksum annotation then rolls the members one at a time onto it.
MEMBER_EARLY_RENEWAL_HOURS = 30 * 24
# Probes and the image's entrypoint reach mongod on the loopback address.
LOOPBACK = ["localhost"]
LOOPBACK_IPS = ["127.0.0.1"]


def member_dns_names(app: str, namespace: str) -> list[str]:
    """Every name a member can be reached by: each pod of the headless Service, and the Service."""
    service = f"{app}.{namespace}.svc.cluster.local"
    return [*(f"{app}-{index}.{service}" for index in range(MAX_MEMBERS)), service, *LOOPBACK]


@dataclass(frozen=True)
class MemberTls:
    ca_cert_pem: pulumi.Output[str]
    # The member certificate followed by its private key: a secret.
    member_pem: pulumi.Output[str]
    # Changes whenever either certificate does, so members restart onto a new one.
    checksum: pulumi.Output[str]


def member_tls(owner: pulumi.Resource, name: str, common_name: str, dns_names: list[str]) -> MemberTls:
    child = pulumi.ResourceOptions(parent=owner)
    ca_key = tls.PrivateKey(f"{name}-ca-key", algorithm="RSA", rsa_bits=3072, opts=child)
    ca = tls.SelfSignedCert(
        f"{name}-ca",
        private_key_pem=ca_key.private_key_pem,
        is_ca_certificate=True,
        subject=tls.SelfSignedCertSubjectArgs(common_name=f"{common_name} CA", organization=ORGANIZATION),
        validity_period_hours=CA_VALIDITY_HOURS,
        allowed_uses=["cert_signing", "crl_signing", "digital_signature"],
        set_subject_key_id=True,
        opts=child,
    )
    member_key = tls.PrivateKey(f"{name}-member-key", algorithm="RSA", rsa_bits=3072, opts=child)
    request = tls.CertRequest(
        f"{name}-member",
        private_key_pem=member_key.private_key_pem,
        subject=tls.CertRequestSubjectArgs(common_name=common_name, organization=ORGANIZATION),
        dns_names=dns_names,
        ip_addresses=LOOPBACK_IPS,
        opts=child,
    )
    member = tls.LocallySignedCert(
        f"{name}-member",
        cert_request_pem=request.cert_request_pem,
        ca_private_key_pem=ca_key.private_key_pem,
        ca_cert_pem=ca.cert_pem,
        validity_period_hours=MEMBER_VALIDITY_HOURS,
        early_renewal_hours=MEMBER_EARLY_RENEWAL_HOURS,
        # Members present the same certificate when they connect to each other, so it is a
        # client certificate too; mongod checks those against the CA.
        allowed_uses=["digital_signature", "key_encipherment", "server_auth", "client_auth"],
        set_subject_key_id=True,
        opts=child,
    )
    pem = pulumi.Output.all(member.cert_pem, member_key.private_key_pem).apply(lambda parts: parts[0] + parts[1])
    checksum = pulumi.Output.all(ca.cert_pem, member.cert_pem).apply(
        lambda certs: hashlib.sha256("".join(certs).encode()).hexdigest()
    )
    return MemberTls(ca_cert_pem=ca.cert_pem, member_pem=pulumi.Output.secret(pem), checksum=checksum)


def tls_secret(namespace: str, labels: dict[str, str], member: MemberTls) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": TLS_SECRET, "namespace": namespace, "labels": labels},
        "type": "Opaque",
        "stringData": {CA_FILE: member.ca_cert_pem, MEMBER_PEM: member.member_pem},
    }
