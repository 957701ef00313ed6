"""MongoDB speaks only TLS: members to each other and clients to members, verified against the set's own CA."""

from __future__ import annotations

import json

from tests.graph import ref

CERT_REQUEST = "tls:index/certRequest:CertRequest"
SIGNED_CERT = "tls:index/locallySignedCert:LocallySignedCert"
CA_CERT = "tls:index/selfSignedCert:SelfSignedCert"
PRIVATE_KEY = "tls:index/privateKey:PrivateKey"
TLS_DIR = "/etc/mongodb/tls"


def mongodb_object(stack, kind, name=None, namespace="mongodb"):
    (found,) = [
        r
        for r in stack.resources
        if r["type"].startswith("kubernetes:")
        and r["inputs"].get("kind") == kind
        and r["inputs"]["metadata"].get("namespace") == namespace
        and (name is None or r["inputs"]["metadata"]["name"] == name)
    ]
    return found


def pod(obj):
    return obj["inputs"]["spec"]["template"]["spec"]


def mongod(stack):
    (container,) = pod(mongodb_object(stack, "StatefulSet"))["containers"]
    return container


def flag(args, name):
    """The value after `name` in an argument list."""
    assert name in args, f"{name} missing from {args}"
    return args[args.index(name) + 1]


def mount_path_of(spec, container, volume_name, key):
    """Where `key` of the Secret behind `volume_name` appears in the container."""
    (volume,) = [v for v in spec["volumes"] if v["name"] == volume_name]
    (item,) = [i for i in volume["secret"]["items"] if i["key"] == key]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == volume_name]
    return f"{mount['mountPath']}/{item['path']}", volume["secret"]["secretName"]


def member_hosts(stack):
    replicas = mongodb_object(stack, "StatefulSet")["inputs"]["spec"]["replicas"]
    return [f"mongodb-{index}.mongodb.mongodb.svc.cluster.local" for index in range(replicas)]


def test_mongod_requires_tls_with_the_member_certificate_and_the_ca(any_stack):
    container = mongod(any_stack)
    args = container["args"]
    assert flag(args, "--tlsMode") == "requireTLS"
    spec = pod(mongodb_object(any_stack, "StatefulSet"))
    assert flag(args, "--tlsCertificateKeyFile") == mount_path_of(spec, container, "tls", "member.pem")[0]
    assert flag(args, "--tlsCAFile") == mount_path_of(spec, container, "tls", "ca.crt")[0]
    # Clients authenticate with passwords; without this a CA file makes mongod demand client certificates.
    assert "--tlsAllowConnectionsWithoutCertificates" in args
    assert not any("AllowInvalid" in arg for arg in args)
    assert set(flag(args, "--tlsDisabledProtocols").split(",")) == {"TLS1_0", "TLS1_1"}
    # Members still prove membership with the keyfile, now over TLS.
    assert flag(args, "--keyFile").startswith("/etc/mongodb/keyfile/")


def test_the_certificate_names_every_member_the_service_and_the_loopback_the_probes_use(any_stack):
    request = any_stack.one(CERT_REQUEST)["inputs"]
    names = set(request["dnsNames"])
    assert set(member_hosts(any_stack)) <= names
    # A promoted standby runs more members than it does today: the certificate already names them.
    assert {f"mongodb-{index}.mongodb.mongodb.svc.cluster.local" for index in range(7)} <= names
    assert "mongodb.mongodb.svc.cluster.local" in names
    assert request["ipAddresses"] == ["127.0.0.1"]
    assert request["privateKeyPem"] == "[secret]"


def test_the_member_certificate_is_signed_by_the_sets_own_ca_for_server_and_client_use(any_stack):
    ca = any_stack.one(CA_CERT)
    assert ca["inputs"]["isCaCertificate"] is True
    assert "cert_signing" in ca["inputs"]["allowedUses"]
    signed = any_stack.one(SIGNED_CERT)
    request = any_stack.one(CERT_REQUEST)
    assert {ref(ca), ref(request)} <= set(signed["dependencies"])
    ca_key = next(ref(k) for k in any_stack.of_type(PRIVATE_KEY) if ref(k) in ca["dependencies"])
    assert ca_key in signed["dependencies"]
    assert ca_key not in request["dependencies"]
    # Members present the certificate to each other too, and mongod verifies it as a client's.
    assert {"server_auth", "client_auth"} <= set(signed["inputs"]["allowedUses"])
    assert signed["inputs"]["caPrivateKeyPem"] == "[secret]"
    assert 0 < signed["inputs"]["earlyRenewalHours"] < signed["inputs"]["validityPeriodHours"]


def test_the_tls_secret_holds_the_ca_and_the_member_key_redacted(any_stack):
    secret = mongodb_object(any_stack, "Secret", "mongodb-tls")
    assert secret["inputs"]["stringData"] == {"ca.crt": "[secret]", "member.pem": "[secret]"}
    member_key = next(
        ref(k) for k in any_stack.of_type(PRIVATE_KEY) if ref(k) in any_stack.one(CERT_REQUEST)["dependencies"]
    )
    assert {member_key, ref(any_stack.one(SIGNED_CERT)), ref(any_stack.one(CA_CERT))} <= set(secret["dependencies"])


def test_no_private_key_appears_anywhere_in_the_plan(any_stack):
    assert len(any_stack.of_type(PRIVATE_KEY)) == 2
    text = any_stack.text()
    assert "PRIVATE KEY" not in text
    for resource in any_stack.of_type(CA_CERT):
        assert resource["inputs"]["privateKeyPem"] == "[secret]"


def test_probes_connect_over_tls_and_verify_the_server_against_the_ca(any_stack):
    container = mongod(any_stack)
    spec = pod(mongodb_object(any_stack, "StatefulSet"))
    ca_path = mount_path_of(spec, container, "tls", "ca.crt")[0]
    for probe in ("readinessProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[0] == "mongosh"
        assert "--tls" in command
        assert flag(command, "--tlsCAFile") == ca_path
        # No --host: mongosh dials 127.0.0.1, an IP address the certificate names.
        assert "--host" not in command
        assert not any("AllowInvalid" in arg for arg in command)


def test_the_init_job_connects_over_tls_to_a_named_member_with_only_the_ca_mounted(any_stack):
    job = mongodb_object(any_stack, "Job")
    spec = pod(job)
    (container,) = spec["containers"]
    command = container["command"]
    assert "--tls" in command
    ca_path, secret = mount_path_of(spec, container, "tls-ca", "ca.crt")
    assert flag(command, "--tlsCAFile") == ca_path
    assert flag(command, "--host").split(":")[0] in any_stack.one(CERT_REQUEST)["inputs"]["dnsNames"]
    # The connection the script opens to the whole set verifies the members against the same CA.
    assert f"tlsCAFile={ca_path}" in command[-1]
    assert "tls=true" in command[-1]
    (volume,) = [v for v in spec["volumes"] if v["name"] == "tls-ca"]
    assert secret == "mongodb-tls"
    assert [item["key"] for item in volume["secret"]["items"]] == ["ca.crt"]


def test_members_restart_onto_a_reissued_certificate(any_stack):
    stateful_set = mongodb_object(any_stack, "StatefulSet")
    annotations = stateful_set["inputs"]["spec"]["template"]["metadata"]["annotations"]
    checksum = annotations["eks-platform.io/tls-checksum"]
    assert len(checksum) == 64
    assert ref(any_stack.one(SIGNED_CERT)) in stateful_set["dependencies"]
    assert json.dumps(annotations).count("karpenter.sh/do-not-disrupt") == 1
