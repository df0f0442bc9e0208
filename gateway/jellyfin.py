"""Jellyfin's shapes: UserDto, AuthenticationResult, PublicSystemInfo (PascalCase JSON)."""

from __future__ import annotations

from typing import Any

PRODUCT_NAME = "Jellyfin Server"


def user_dto(user: dict[str, Any], server_id: str) -> dict[str, Any]:
    return {
        "Name": user["username"],
        "ServerId": server_id,
        "Id": user["uuid"],
        "SetlistId": user["id"],
        "HasPassword": True,
        "HasConfiguredPassword": True,
        "HasConfiguredEasyPassword": False,
        "EnableAutoLogin": False,
        "LastLoginDate": user["last_login_at"],
        "Configuration": {"PlayDefaultAudioTrack": True, "HidePlayedInLatest": True},
        "Policy": {
            "IsAdministrator": user["is_admin"],
            "IsHidden": False,
            "IsDisabled": False,
            "EnableAllFolders": True,
            "AuthenticationProviderId": "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
        },
    }


def authentication_result(login: dict[str, Any], device: dict[str, Any]) -> dict[str, Any]:
    server_id = login["server"]["id"]
    user = user_dto(login["user"], server_id)
    return {
        "User": user,
        "SessionInfo": {
            "UserId": user["Id"],
            "UserName": user["Name"],
            "ServerId": server_id,
            "Client": device.get("client"),
            "DeviceId": device.get("device_id"),
            "DeviceName": device.get("device_name"),
            "ApplicationVersion": device.get("client_version"),
        },
        "AccessToken": login["token"],
        "ServerId": server_id,
    }


def public_system_info(server: dict[str, Any], local_address: str) -> dict[str, Any]:
    return {
        "LocalAddress": local_address,
        "ServerName": server["name"],
        "Version": server["version"],
        "ProductName": PRODUCT_NAME,
        "OperatingSystem": "",
        "Id": server["id"],
        "StartupWizardCompleted": True,
    }
