"""Admission rules for workloads, enforced by the API server (ValidatingAdmissionPolicy, CEL) and
evaluated offline against every plan (policy/admission.py)."""

from addons.admission.component import AdmissionArgs, AdmissionPolicies

__all__ = ["AdmissionArgs", "AdmissionPolicies"]
