"""deploy/docker-compose.yml: every process of `setlist/processes.py` is there, wired to its broker,
database and health check. No Docker engine runs here, so the file is checked, not started."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.common import config
from setlist.processes import SERVICE_CLASSES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
INFRASTRUCTURE = {"rabbitmq", "postgres", "proxy"}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def test_every_process_and_nothing_unknown(services):
    assert set(services) == set(SERVICE_CLASSES) | {"migrate"} | INFRASTRUCTURE


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_service_runs_its_class_from_the_project_image(services, name):
    service = services[name]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
    assert service["image"] == services["migrate"]["image"]
    assert service["command"] == [
        "python",
        "-m",
        "setlist.nameko_run",
        "run",
        "--config",
        "deploy/config.yml",
        *SERVICE_CLASSES[name],
    ]
    assert (DEPLOY / "config.yml").is_file()


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_service_gets_the_broker_and_only_its_own_database(services, name):
    environment = services[name]["environment"]
    assert environment["AMQP_URI"].startswith("amqp://")
    assert environment["AMQP_URI"].endswith("@rabbitmq:5672/")
    database_urls = {key for key in environment if key.endswith("_DATABASE_URL")}
    if name in config.DATABASE_SERVICES:
        key = f"{name.upper()}_DATABASE_URL"
        assert database_urls == {key}
        assert environment[key].startswith("postgresql+psycopg2://")
        assert environment[key].endswith(f"@postgres:5432/{name}")
    else:
        assert database_urls == set()


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_service_waits_for_broker_and_migrations(services, name):
    assert services[name]["depends_on"] == {
        "rabbitmq": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


@pytest.mark.parametrize("name", SERVICE_CLASSES)
def test_service_has_a_health_check_and_settable_replicas(services, name):
    healthcheck = services[name]["healthcheck"]
    assert healthcheck["test"][0] == "CMD"
    assert {"interval", "timeout", "retries"} <= set(healthcheck)
    assert services[name]["deploy"]["replicas"] == f"${{{name.upper()}_REPLICAS:-1}}"


def test_services_probe_their_own_metrics_endpoint(services):
    for name in set(SERVICE_CLASSES) - {"gateway"}:
        assert services[name]["healthcheck"]["test"] == [
            "CMD",
            "python",
            "-W",
            "ignore",
            "-m",
            "services.common.metrics",
        ]
        assert services[name]["environment"]["METRICS_PORT"] == "9100"


def test_gateway_listens_on_every_interface_and_checks_health(services):
    gateway = services["gateway"]
    assert gateway["environment"]["WEB_SERVER_ADDRESS"] == "0.0.0.0:8000"
    assert "http://127.0.0.1:8000/health" in " ".join(gateway["healthcheck"]["test"])
    assert "ports" not in gateway, "replicas would fight over one host port: the proxy publishes"
    assert services["proxy"]["ports"] == ["${SETLIST_PORT:-8000}:8000"]
    assert "http://gateway:8000" in (DEPLOY / "nginx.conf").read_text()


def test_migrate_runs_once_with_every_database(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "-m", "setlist.cli", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in config.DATABASE_SERVICES:
        assert (
            migrate["environment"][f"{name.upper()}_DATABASE_URL"]
            == services[name]["environment"][f"{name.upper()}_DATABASE_URL"]
        )


def test_postgres_creates_a_database_per_service(services):
    postgres = services["postgres"]
    init_folder = next(
        volume.split(":")[0]
        for volume in postgres["volumes"]
        if ":/docker-entrypoint-initdb.d" in volume
    )
    (script,) = (DEPLOY / init_folder).glob("init-databases.sh")
    text = script.read_text()
    assert 'CREATE DATABASE :"role" OWNER :"role";' in text  # a role of its own per database
    assert f"for service in {' '.join(config.DATABASE_SERVICES)}; do" in text
    for name in config.DATABASE_SERVICES:
        assert f"{name.upper()}_DB_PASSWORD" in postgres["environment"]
        assert services[name]["environment"][f"{name.upper()}_DATABASE_URL"].startswith(
            f"postgresql+psycopg2://{name}:"
        )
    assert "healthcheck" in postgres and "healthcheck" in services["rabbitmq"]


def test_no_default_credentials():
    text = COMPOSE_FILE.read_text()
    assert "guest" not in text
    for variable in (
        "RABBITMQ_PASSWORD",
        "POSTGRES_PASSWORD",
        "ACCOUNTS_DB_PASSWORD",
        "EVENTS_DB_PASSWORD",
        "PLAYSTATE_DB_PASSWORD",
    ):
        assert f"${{{variable}:-" not in text and f"${{{variable}:?" in text


def test_the_proxy_logs_no_query_strings_and_limits_bodies_and_slow_clients():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "access_log /var/log/nginx/access.log setlist;" in nginx
    log_format = nginx.split("log_format setlist", 1)[1].split(";", 1)[0]
    assert "$uri" in log_format
    assert not any(
        variable in log_format for variable in ("$request ", "$request'", "$request_uri", "$args")
    )
    assert "client_max_body_size 1m;" in nginx and "client_header_timeout 30s;" in nginx


def test_metrics_and_links_are_set_explicitly(services):
    gateway = services["gateway"]["environment"]
    assert gateway["PUBLIC_BASE_URL"] and gateway["TRUSTED_PROXIES"]
    assert all(
        services[name]["environment"]["METRICS_HOST"] == "0.0.0.0" for name in SERVICE_CLASSES
    )


def _compose_command() -> list[str] | None:
    """`docker compose` if the docker CLI has its compose plugin (`config` needs no engine)."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    plugin = subprocess.run([docker, "compose", "version"], capture_output=True)
    return [docker, "compose"] if plugin.returncode == 0 else None


def test_docker_compose_accepts_the_file():
    command = _compose_command()
    if command is None:
        pytest.skip("no `docker compose` here (the docker CLI is missing or has no compose plugin)")
    result = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "EVENTS_REPLICAS": "3"},
    )
    assert result.returncode == 0, result.stderr
