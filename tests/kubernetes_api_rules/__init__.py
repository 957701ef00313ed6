"""What the Kubernetes API server, its admission and its controllers enforce beyond the OpenAPI schema.

kubernetes-validate checks each manifest against the published OpenAPI schema. The API server
also runs hand-written validation (pkg/apis/<group>/validation/validation.go), Pod Security
admission (k8s.io/pod-security-admission), and controllers that resolve references between
objects (named ports, PodDisruptionBudgets, Ingress backends). Each `check_*` function here takes
one manifest and every object of its stack and returns what is wrong with it as sentences; an
empty list means the cluster would accept it and it would work as written. They are pure
functions over dicts, so tests can hand them small broken manifests.

Sources (kubernetes/kubernetes, staging paths shortened to their module):
- k8s.io/apimachinery/pkg/util/validation/validation.go: names, label values, port names
- k8s.io/apimachinery/pkg/api/validation/objectmeta.go: annotations, namespace, name functions
- k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go: labels, label selectors
- k8s.io/apimachinery/pkg/api/resource/quantity.go: the quantity grammar
- pkg/apis/core/validation/validation.go: containers, probes, services, claims, quotas, limit ranges
- pkg/apis/{apps,batch,networking,policy,autoscaling}/validation/validation.go
- pkg/controller/disruption/disruption.go, pkg/api/v1/pod/util.go (FindPort), pkg/kubelet/prober
- k8s.io/pod-security-admission/policy/check_*.go: the `restricted` profile

The rules are split by family into the modules of this package: grammar (names, label values,
port names, quantities), manifests (walking manifests), quantities (rule 1), names (rule 2),
ports (rule 3), required_fields and cron (rule 4), kinds (rule 5), pod_security (rule 6) and
disruption (rule 7). This module re-exports their public names and RULES.
"""

from __future__ import annotations

from tests.kubernetes_api_rules.cron import cron_schedule_problems
from tests.kubernetes_api_rules.disruption import check_disruption_budget, disruptions_allowed, replicas
from tests.kubernetes_api_rules.grammar import (
    is_config_map_key,
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_port_name,
    is_qualified_name,
    quantity,
)
from tests.kubernetes_api_rules.kinds import BUILT_IN_KINDS, CUSTOM_KINDS, KNOWN_KINDS, check_known_kind
from tests.kubernetes_api_rules.manifests import (
    Check,
    Manifest,
    Problems,
    claim_specs,
    containers,
    ingress_backends,
    namespace_labels,
    plan_declares_pods,
    pod_spec,
    pod_template,
    selector_matches,
    workloads_selected,
)
from tests.kubernetes_api_rules.names import check_names_and_metadata
from tests.kubernetes_api_rules.pod_security import (
    check_pod_security_restricted,
    enforced_level,
    restricted_profile_problems,
)
from tests.kubernetes_api_rules.ports import check_named_ports, serving_ports
from tests.kubernetes_api_rules.quantities import check_quantities, quantity_fields
from tests.kubernetes_api_rules.required_fields import check_required_fields

__all__ = [
    "BUILT_IN_KINDS",
    "CUSTOM_KINDS",
    "KNOWN_KINDS",
    "RULES",
    "Check",
    "Manifest",
    "Problems",
    "check_disruption_budget",
    "check_known_kind",
    "check_named_ports",
    "check_names_and_metadata",
    "check_pod_security_restricted",
    "check_quantities",
    "check_required_fields",
    "claim_specs",
    "containers",
    "cron_schedule_problems",
    "disruptions_allowed",
    "enforced_level",
    "ingress_backends",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_label_value",
    "is_port_name",
    "is_qualified_name",
    "namespace_labels",
    "plan_declares_pods",
    "pod_spec",
    "pod_template",
    "quantity",
    "quantity_fields",
    "replicas",
    "restricted_profile_problems",
    "selector_matches",
    "serving_ports",
    "workloads_selected",
]


RULES: dict[str, Check] = {
    "quantities": check_quantities,
    "names_and_metadata": check_names_and_metadata,
    "named_ports": check_named_ports,
    "required_fields": check_required_fields,
    "known_kind": check_known_kind,
    "pod_security_restricted": check_pod_security_restricted,
    "disruption_budget": check_disruption_budget,
}
