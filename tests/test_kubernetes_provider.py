"""One explicit Kubernetes provider built from the cluster's kubeconfig."""

from __future__ import annotations

from tests.graph import ref

K8S_PROVIDER = "pulumi:providers:kubernetes"


def test_one_explicit_kubernetes_provider_fed_by_the_cluster_kubeconfig(any_stack):
    (provider,) = any_stack.of_type(K8S_PROVIDER)
    cluster = any_stack.one("eks:index:Cluster")
    assert ref(cluster) in provider["dependencies"]
    assert provider["inputs"]["kubeconfig"] == "[secret]"


def test_every_kubernetes_object_uses_the_explicit_provider(any_stack):
    (provider,) = any_stack.of_type(K8S_PROVIDER)
    objects = [r for r in any_stack.resources if r["type"].startswith("kubernetes:")]
    assert all(obj["provider"] == ref(provider) for obj in objects), [o["name"] for o in objects]


def test_every_aws_resource_uses_the_explicit_regional_provider(any_stack):
    provider = any_stack.one("pulumi:providers:aws")
    assert provider["inputs"]["region"] == any_stack.outputs["region"]
    aws_resources = [r for r in any_stack.resources if r["type"].startswith(("aws:", "eks:index:"))]
    assert aws_resources
    assert all(r["provider"] == ref(provider) for r in aws_resources)
