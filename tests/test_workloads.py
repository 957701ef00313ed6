"""Sample workloads: web, mongodb and batch, hardened, sized from settings, correctly ordered."""

from __future__ import annotations

import ipaddress
import json

import versions
from components.subnet_plan import plan_subnets
from tests.graph import ref
from tests.stack_files import stack_config

POD_KINDS = ("Deployment", "StatefulSet", "Job", "CronJob")


def objects(stack, kind, namespace=None):
    return [
        r
        for r in stack.resources
        if r["inputs"].get("kind") == kind
        and r["type"].startswith("kubernetes:")
        and (namespace is None or r["inputs"]["metadata"].get("namespace") == namespace)
    ]


def one(stack, kind, namespace):
    (found,) = objects(stack, kind, namespace)
    return found


def pod_spec(obj):
    spec = obj["inputs"]["spec"]
    if obj["inputs"]["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def workloads_config(stack):
    return stack_config(stack)["eks-platform:workloads"]


def web_bucket(stack):
    """The web workload's bucket; protected stacks also hold the web ALB's access-log bucket."""
    return stack.one("aws:s3/bucket:Bucket", f"{stack.outputs['clusterName']}-web")


# --- Every pod ---------------------------------------------------------------------------


def test_no_container_runs_as_root_or_without_limits(any_stack):
    pods = [pod_spec(o) for kind in POD_KINDS for o in objects(any_stack, kind)]
    assert len(pods) >= 4
    for spec in pods:
        pod_security = spec["securityContext"]
        assert pod_security["runAsNonRoot"] is True
        assert pod_security["seccompProfile"] == {"type": "RuntimeDefault"}
        for container in spec["containers"] + spec.get("initContainers", []):
            security = container["securityContext"]
            assert security.get("runAsUser", pod_security["runAsUser"]) != 0
            assert security["allowPrivilegeEscalation"] is False
            assert security["readOnlyRootFilesystem"] is True
            assert security["capabilities"] == {"drop": ["ALL"]}
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), container["name"]
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), container["name"]


def test_images_are_pinned_by_tag_from_the_versions_module(any_stack):
    images = {
        c["image"]
        for kind in POD_KINDS
        for o in objects(any_stack, kind)
        for c in pod_spec(o)["containers"] + pod_spec(o).get("initContainers", [])
    }
    # Regional copies (tests/test_registry.py): the repository is named after the versions.IMAGES key.
    pinned = {f"{name}:{reference.rsplit(':', 1)[1]}" for name, reference in versions.IMAGES.items()}
    assert images
    assert {image.rsplit("/", 1)[1] for image in images} <= pinned
    assert not any(image.endswith(":latest") or ":" not in image for image in images)


# Pods that talk to the Kubernetes API, each with the Roles its namespace grants it.
API_CLIENTS = {("restore-test", "restore-test")}  # drives Velero restores (workloads/restore_test.py)


def test_service_account_tokens_are_not_mounted(any_stack):
    for kind in POD_KINDS:
        for obj in objects(any_stack, kind):
            metadata = obj["inputs"]["metadata"]
            if (metadata["namespace"], metadata["name"]) in API_CLIENTS:
                assert pod_spec(obj).get("automountServiceAccountToken", True) is not False
                continue
            assert pod_spec(obj)["automountServiceAccountToken"] is False


# --- web --------------------------------------------------------------------------------


def test_web_deployment_has_all_three_probes_and_spreads_across_zones(any_stack):
    spec = pod_spec(one(any_stack, "Deployment", "web"))
    (container,) = spec["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]
    zones = [c for c in spec["topologySpreadConstraints"] if c["topologyKey"] == "topology.kubernetes.io/zone"]
    assert zones[0]["whenUnsatisfiable"] == "DoNotSchedule"
    assert "replicas" not in one(any_stack, "Deployment", "web")["inputs"]["spec"]


def test_web_ingress_is_https_when_a_certificate_is_set_and_http_otherwise(dev, prod):
    dev_annotations = one(dev, "Ingress", "web")["inputs"]["metadata"]["annotations"]
    assert json.loads(dev_annotations["alb.ingress.kubernetes.io/listen-ports"]) == [{"HTTP": 80}]
    assert "alb.ingress.kubernetes.io/certificate-arn" not in dev_annotations
    prod_ingress = one(prod, "Ingress", "web")["inputs"]
    annotations = prod_ingress["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"] == workloads_config("prod")["web"]["certificateArn"]
    assert {"HTTPS": 443} in json.loads(annotations["alb.ingress.kubernetes.io/listen-ports"])
    assert annotations["alb.ingress.kubernetes.io/ssl-redirect"] == "443"
    assert prod_ingress["spec"]["ingressClassName"] == "alb"
    assert prod_ingress["spec"]["rules"][0]["host"] == f"web.{stack_config('prod')['eks-platform:dns']['domain']}"


def test_web_autoscaling_bounds_come_from_settings_and_standby_takes_standby_values(dev, prod, prod_dr):
    for stack, key in ((dev, "hpa"), (prod, "hpa"), (prod_dr, "standbyHpa")):
        hpa = one(stack, "HorizontalPodAutoscaler", "web")["inputs"]["spec"]
        bounds = workloads_config(stack.stack)["web"][key]
        assert (hpa["minReplicas"], hpa["maxReplicas"]) == (bounds["minReplicas"], bounds["maxReplicas"])
        assert hpa["metrics"][0]["resource"]["name"] == "cpu"


def test_web_has_a_disruption_budget(any_stack):
    pdb = one(any_stack, "PodDisruptionBudget", "web")["inputs"]["spec"]
    assert pdb["maxUnavailable"] == 1


def test_web_admits_only_the_alb_and_prometheus_and_talks_only_to_mongodb_and_aws(any_stack):
    network = stack_config(any_stack.stack)["eks-platform:network"]
    public = {az.public for az in plan_subnets(network["vpcCidr"], network["azCount"])}
    policy = next(p for p in objects(any_stack, "NetworkPolicy", "web") if p["inputs"]["metadata"]["name"] == "web")
    from_alb, from_prometheus = policy["inputs"]["spec"]["ingress"]
    assert {peer["ipBlock"]["cidr"] for peer in from_alb["from"]} == public
    assert from_alb["ports"] == [{"protocol": "TCP", "port": 9898}]
    (prometheus,) = from_prometheus["from"]
    assert prometheus["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "monitoring"}
    assert prometheus["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prometheus"}
    assert from_prometheus["ports"] == [{"protocol": "TCP", "port": 9797}]
    egress = policy["inputs"]["spec"]["egress"]
    mongodb = egress[0]["to"][0]
    assert mongodb["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "mongodb"}
    assert all(
        ipaddress.ip_network(peer["ipBlock"]["cidr"]).prefixlen in (0, 32) for rule in egress[1:] for peer in rule["to"]
    )


def test_web_role_reads_and_writes_exactly_one_private_bucket(any_stack):
    association = next(
        a
        for a in any_stack.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
        if a["inputs"]["namespace"] == "web"
    )
    assert association["inputs"]["serviceAccount"] == "web"
    bucket = web_bucket(any_stack)
    (policy,) = [
        json.loads(p["inputs"]["policy"])
        for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy")
        if p["name"].endswith("-web-bucket")
    ]
    resources = {s["Resource"] for s in policy["Statement"]}
    assert len({r.removesuffix("/*") for r in resources}) == 1
    assert any(a in s["Action"] for s in policy["Statement"] for a in ("s3:PutObject",))
    assert (
        ref(bucket)
        in next(p for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy") if p["name"].endswith("-web-bucket"))[
            "dependencies"
        ]
    )


def test_bucket_is_versioned_encrypted_private_and_protected_in_prod(dev, prod):
    for stack, protected in ((dev, False), (prod, True)):
        bucket = web_bucket(stack)
        assert bucket["protect"] is protected
        versioning = stack.one("aws:s3/bucketVersioning:BucketVersioning", bucket["name"])
        assert versioning["inputs"]["versioningConfiguration"]["status"] == "Enabled"
        encryption = stack.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket["name"]
        )
        assert encryption["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
        block = stack.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket["name"])["inputs"]
        assert all(
            block[k] is True
            for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
        )


# --- mongodb ----------------------------------------------------------------------------


def test_mongodb_replicas_from_settings_with_zone_anti_affinity_when_replicated(dev, prod, prod_dr):
    for stack, key in ((dev, "replicas"), (prod, "replicas"), (prod_dr, "standbyReplicas")):
        stateful_set = one(stack, "StatefulSet", "mongodb")["inputs"]["spec"]
        replicas = workloads_config(stack.stack)["mongodb"][key]
        assert stateful_set["replicas"] == replicas
        affinity = stateful_set["template"]["spec"].get("affinity")
        if replicas > 1:
            (term,) = affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            assert term["topologyKey"] == "topology.kubernetes.io/zone"
        else:
            assert affinity is None
    assert one(dev, "StatefulSet", "mongodb")["inputs"]["spec"]["replicas"] == 1
    assert one(prod, "StatefulSet", "mongodb")["inputs"]["spec"]["replicas"] == 3


def test_mongodb_volumes_on_gp3_with_a_headless_service_probes_and_a_budget(any_stack):
    spec = one(any_stack, "StatefulSet", "mongodb")["inputs"]["spec"]
    (claim,) = spec["volumeClaimTemplates"]
    assert claim["spec"]["storageClassName"] == "gp3"
    size = workloads_config(any_stack.stack)["mongodb"]["volumeSizeGiB"]
    assert claim["spec"]["resources"]["requests"]["storage"] == f"{size}Gi"
    service = one(any_stack, "Service", "mongodb")["inputs"]["spec"]
    assert service["clusterIP"] == "None"
    assert spec["serviceName"] == one(any_stack, "Service", "mongodb")["inputs"]["metadata"]["name"]
    (mongod,) = spec["template"]["spec"]["containers"]
    assert "mongosh" in mongod["readinessProbe"]["exec"]["command"]
    assert mongod["livenessProbe"]
    assert mongod["startupProbe"]
    assert one(any_stack, "PodDisruptionBudget", "mongodb")["inputs"]["spec"]["maxUnavailable"] == 1


def test_mongodb_credentials_are_generated_secrets_never_literals(any_stack):
    (secret,) = [
        s for s in objects(any_stack, "Secret", "mongodb") if s["inputs"]["metadata"]["name"] == "mongodb-credentials"
    ]
    assert secret["inputs"]["stringData"] == {"username": "[secret]", "password": "[secret]", "keyfile": "[secret]"}
    # Root and keyfile; web's application user has its own (tests/test_mongodb_app_user.py).
    passwords = [
        p
        for p in any_stack.of_type("random:index/randomPassword:RandomPassword")
        if "-mongodb-" in p["name"] and not p["name"].endswith("-app-user-password")
    ]
    assert len(passwords) == 2
    assert {ref(p) for p in passwords} <= set(secret["dependencies"])
    (mongod,) = pod_spec(one(any_stack, "StatefulSet", "mongodb"))["containers"]
    env = {e["name"]: e for e in mongod["env"]}
    assert env["MONGO_INITDB_ROOT_PASSWORD_FILE"]["value"].startswith("/etc/mongodb/credentials/")
    assert not any(
        "value" in e and "password" in e["name"].lower() and not e["name"].endswith("_FILE") for e in mongod["env"]
    )


def test_mongodb_admits_only_web_and_its_own_members(any_stack):
    policy = next(
        p for p in objects(any_stack, "NetworkPolicy", "mongodb") if p["inputs"]["metadata"]["name"] == "mongodb"
    )
    (ingress,) = policy["inputs"]["spec"]["ingress"]
    web, own = ingress["from"]
    assert web["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "web"}
    assert web["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "web"}
    assert "namespaceSelector" not in own
    assert ingress["ports"] == [{"protocol": "TCP", "port": 27017}]


def test_replica_set_init_job_names_every_member_and_runs_after_the_stateful_set(any_stack):
    job = one(any_stack, "Job", "mongodb")
    stateful_set = one(any_stack, "StatefulSet", "mongodb")
    assert ref(stateful_set) in job["dependsOn"]
    command = pod_spec(job)["containers"][0]["command"][-1]
    replicas = stateful_set["inputs"]["spec"]["replicas"]
    for index in range(replicas):
        assert f"mongodb-{index}.mongodb.mongodb.svc.cluster.local:27017" in command
    assert f"mongodb-{replicas}." not in command


# --- batch ------------------------------------------------------------------------------


def test_batch_cron_job_limits_concurrency_history_and_runtime(any_stack):
    spec = one(any_stack, "CronJob", "batch")["inputs"]["spec"]
    assert spec["schedule"] == workloads_config(any_stack.stack)["batch"]["schedule"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["successfulJobsHistoryLimit"] <= 5
    assert spec["failedJobsHistoryLimit"] <= 5
    assert spec["startingDeadlineSeconds"] > 0
    job = spec["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] > 0
    assert job["backoffLimit"] <= 3
    assert job["template"]["spec"]["restartPolicy"] == "Never"


def test_batch_may_only_write_reports_into_the_web_bucket(any_stack):
    bucket = web_bucket(any_stack)
    (policy_resource,) = [
        p for p in any_stack.of_type("aws:iam/rolePolicy:RolePolicy") if p["name"].endswith("-batch-reports")
    ]
    (statement,) = json.loads(policy_resource["inputs"]["policy"])["Statement"]
    assert statement["Action"] == "s3:PutObject"
    assert statement["Resource"].endswith("/reports/*")
    assert ref(bucket) in policy_resource["dependencies"]


# --- ordering ---------------------------------------------------------------------------


def test_workloads_wait_for_capacity_load_balancing_storage_and_metrics(any_stack):
    node_pools = {ref(p) for p in any_stack.of_type("kubernetes:karpenter.sh/v1:NodePool")}
    alb = ref(any_stack.one("kubernetes:helm.sh/v3:Release", "aws-load-balancer-controller"))
    metrics = ref(any_stack.one("kubernetes:helm.sh/v3:Release", "metrics-server"))
    for kind in ("Deployment", "Ingress", "HorizontalPodAutoscaler"):
        depends = set(one(any_stack, kind, "web")["dependsOn"])
        assert node_pools <= depends
        assert {alb, metrics} <= depends
    stateful_set = set(one(any_stack, "StatefulSet", "mongodb")["dependsOn"])
    assert "aws:eks/addon:Addon::aws-ebs-csi-driver" in stateful_set
    assert ref(any_stack.one("kubernetes:storage.k8s.io/v1:StorageClass")) in stateful_set
    assert node_pools <= stateful_set


def test_namespaced_objects_wait_for_their_namespace(any_stack):
    namespaces = {r["inputs"]["metadata"]["name"]: ref(r) for r in any_stack.of_type("kubernetes:core/v1:Namespace")}
    for resource in any_stack.resources:
        namespace = (
            resource["inputs"].get("metadata", {}).get("namespace")
            if resource["type"].startswith("kubernetes:")
            else None
        )
        if namespace in namespaces:
            assert namespaces[namespace] in any_stack.upstream(resource), resource["name"]
