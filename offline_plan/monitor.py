"""A MockMonitor that records what the engine would see for every registration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2


@dataclass
class Registration:
    """One RegisterResource request, with URNs still as the monitor saw them."""

    urn: str
    type: str
    name: str
    parent: str
    provider: str
    providers: dict[str, str]
    custom: bool
    remote: bool
    protect: bool
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    inputs: dict[str, Any]
    aliases: list[dict[str, Any]]


def alias_entry(alias: Any) -> dict[str, Any]:
    """An alias as the SDK sent it: a whole URN, or a spec whose empty fields mean "as now"."""
    if alias.WhichOneof("alias") == "urn":
        return {"urn": alias.urn}
    spec = alias.spec
    entry: dict[str, Any] = {key: value for key, value in (("name", spec.name), ("type", spec.type)) if value}
    if spec.noParent:
        entry["parent"] = None
    elif spec.parentUrn:
        entry["parentUrn"] = spec.parentUrn
    return entry


class RecordingMonitor(MockMonitor):
    """Records every resource registration, in order."""

    def __init__(self, mocks: Any) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []
        # (type, name) -> the name an alias gives; the mocks keep that name's id and physical name.
        self.former_names: dict[tuple[str, str], str] = getattr(mocks, "former_names", {})

    def RegisterResource(self, request: Any) -> Any:
        former = next(
            (alias.spec.name for alias in request.aliases if alias.WhichOneof("alias") == "spec" and alias.spec.name),
            None,
        )
        if former:
            self.former_names[(request.type, request.name)] = former
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.registrations.append(
                Registration(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    parent=request.parent,
                    provider=request.provider,
                    providers=dict(request.providers),
                    custom=bool(request.custom),
                    remote=bool(request.remote),
                    protect=bool(request.protect),
                    dependencies=list(request.dependencies),
                    property_dependencies={key: list(deps.urns) for key, deps in request.propertyDependencies.items()},
                    # Secrets stay wrapped so the plan can redact them.
                    inputs=rpc.deserialize_properties(request.object, keep_unknowns=True),
                    aliases=[alias_entry(alias) for alias in request.aliases]
                    + [{"urn": urn} for urn in request.aliasURNs],
                )
            )
        return response

    # Resource objects passed as inputs (cluster=, node_role=) would be serialized as
    # references resolved on another event loop and fail; without the feature the SDK
    # sends their URN or id instead, which is also what the plan wants to record.
    def SupportsFeature(self, request: Any) -> Any:
        if request.id == "resourceReferences":
            return type("SupportsFeatureResponse", (object,), {"hasSupport": False})
        return super().SupportsFeature(request)

    def GetDeploymentInfo(self, request: Any) -> Any:
        info = super().GetDeploymentInfo(request)
        features = [
            feature
            for feature in info.supportedFeatures
            if feature != resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES
        ]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)
