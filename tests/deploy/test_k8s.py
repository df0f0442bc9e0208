"""deploy/k8s/: every manifest is valid against the Kubernetes schemas (kubernetes-validate ships
them, so this runs offline) and wired together: a Deployment per process of `setlist/processes.py`,
env from the ConfigMap and Secret that exist here, probes, and the gateway Service."""

import copy
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from services.common import config
from setlist.processes import SERVICE_CLASSES

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
#: an older minor that clusters still run, and the newest the pinned validator knows
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
MANIFESTS = sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")


def load(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


RESOURCES = [resource for path in MANIFESTS for resource in load(path)]


def resources(kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in RESOURCES if r["kind"] == kind}


def container(name: str) -> dict:
    (only,) = resources("Deployment")[f"setlist-{name}"]["spec"]["template"]["spec"]["containers"]
    return only


def secret_refs(spec: dict) -> dict[str, tuple[str, str]]:
    """env name → (Secret, key) of each env entry read from a Secret."""
    return {
        entry["name"]: (
            entry["valueFrom"]["secretKeyRef"]["name"],
            entry["valueFrom"]["secretKeyRef"]["key"],
        )
        for entry in spec.get("env", [])
        if "secretKeyRef" in entry.get("valueFrom", {})
    }


@pytest.mark.parametrize(
    "resource", RESOURCES, ids=[f"{r['kind']}/{r['metadata']['name']}" for r in RESOURCES]
)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_manifest_is_valid_kubernetes(resource, version):
    assert {"apiVersion", "kind", "metadata"} <= set(resource)
    assert resource["metadata"]["name"]
    kubernetes_validate.validate(resource, version, strict=True)


def test_the_validator_rejects_a_broken_manifest():
    broken = copy.deepcopy(resources("Deployment")["setlist-events"])
    broken["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


def test_a_deployment_per_process():
    assert set(resources("Deployment")) == {f"setlist-{name}" for name in SERVICE_CLASSES}


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_deployment_selects_its_own_pods(name):
    deployment = resources("Deployment")[f"setlist-{name}"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    template_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= template_labels.items()
    assert selector["app.kubernetes.io/component"] == name


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_container_runs_its_class_with_a_liveness_probe(name):
    spec = container(name)
    assert spec["image"] == "setlist:0.1.0"
    assert spec["command"] == [
        "python",
        "-m",
        "setlist.nameko_run",
        "run",
        "--config",
        "deploy/config.yml",
        *SERVICE_CLASSES[name],
    ]
    ports = {port["name"]: port["containerPort"] for port in spec["ports"]}
    assert spec["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}
    assert ports["metrics"] == int(resources("ConfigMap")["setlist-config"]["data"]["METRICS_PORT"])


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_container_env_comes_from_the_configmap_and_secret_here(name):
    spec = container(name)
    assert [source["configMapRef"]["name"] for source in spec["envFrom"]] == ["setlist-config"]
    expected = {"AMQP_URI"}
    if name in config.DATABASE_SERVICES:
        expected.add(f"{name.upper()}_DATABASE_URL")
    refs = secret_refs(spec)
    assert set(refs) == expected, "a service reads the broker and only its own database"
    secrets = resources("Secret")
    for env_name, (secret, key) in refs.items():
        assert key == env_name
        assert key in secrets[secret]["stringData"]


def test_gateway_is_ready_on_health_and_listens_on_every_interface():
    spec = container("gateway")
    assert spec["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert {"name": "WEB_SERVER_ADDRESS", "value": "0.0.0.0:8000"} in spec["env"]
    assert {"name": "http", "containerPort": 8000} in spec["ports"]


def test_gateway_service_targets_the_gateway_pods_and_port():
    service = resources("Service")["setlist-gateway"]
    pods = resources("Deployment")["setlist-gateway"]["spec"]["template"]
    assert service["spec"]["selector"].items() <= pods["metadata"]["labels"].items()
    port_names = {port["name"] for port in pods["spec"]["containers"][0]["ports"]}
    assert {port["targetPort"] for port in service["spec"]["ports"]} <= port_names


def test_migration_job_reads_every_database():
    job = resources("Job")["setlist-migrate"]
    (spec,) = job["spec"]["template"]["spec"]["containers"]
    assert spec["command"] == ["python", "-m", "setlist.cli", "migrate"]
    assert set(secret_refs(spec)) == {
        f"{name.upper()}_DATABASE_URL" for name in config.DATABASE_SERVICES
    }


def test_kustomization_lists_every_manifest_but_the_example_secret():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == [
        path.name for path in MANIFESTS if not path.name.endswith(".example.yaml")
    ]
    assert all(
        resource["kind"] != "Secret"
        for name in kustomization["resources"]
        for resource in load(K8S / name)
    ), "`kubectl apply -k` would overwrite the real one"


@pytest.mark.parametrize("name", [*SERVICE_CLASSES, "migrate"])
def test_pods_are_locked_down(name):
    kind, resource = (
        ("Job", "setlist-migrate") if name == "migrate" else ("Deployment", f"setlist-{name}")
    )
    pod = resources(kind)[resource]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    for spec in pod["containers"]:
        assert spec["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }


def test_network_policies_let_in_only_the_gateways_http_and_metrics():
    policies = resources("NetworkPolicy")
    assert policies["setlist-default-deny"]["spec"]["policyTypes"] == ["Ingress"]
    assert "ingress" not in policies["setlist-default-deny"]["spec"]
    (http,) = policies["setlist-gateway-http"]["spec"]["ingress"]
    assert http["ports"] == [{"protocol": "TCP", "port": 8000}]
    (metrics,) = policies["setlist-metrics"]["spec"]["ingress"]
    assert metrics["ports"] == [{"protocol": "TCP", "port": 9100}]


def test_settings_an_operator_must_review_are_in_the_configmap():
    data = resources("ConfigMap")["setlist-config"]["data"]
    assert {"PUBLIC_BASE_URL", "TRUSTED_PROXIES", "METRICS_HOST"} <= set(data)


def test_kubectl_renders_the_kustomization():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH")
    result = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rendered = {(r["kind"], r["metadata"]["name"]) for r in yaml.safe_load_all(result.stdout)}
    assert rendered == {
        (r["kind"], r["metadata"]["name"]) for r in RESOURCES if r["kind"] != "Secret"
    }
