"""Case-insensitive Jellyfin paths and token-free access logs."""

import logging

from gateway.http import RedactTokens, canonical_path


def test_jellyfin_paths_are_lower_cased_and_others_kept():
    assert canonical_path("/Users/AuthenticateByName") == "/users/authenticatebyname"
    assert canonical_path("/SYSTEM/Info/Public") == "/system/info/public"
    assert canonical_path("/UserItems/ABC/UserData") == "/useritems/abc/userdata"
    assert canonical_path("/api/v1/organizers/Demo/") == "/api/v1/organizers/Demo/"


def test_access_log_masks_tokens_in_query():
    record = logging.LogRecord(
        "gateway.access",
        logging.INFO,
        __file__,
        1,
        '"GET /Users/Me?api_key=s3cret&ApiKey=x&token=y&page=2 HTTP/1.1"',
        None,
        None,
    )
    RedactTokens().filter(record)
    assert record.msg == '"GET /Users/Me?api_key=***&ApiKey=***&token=***&page=2 HTTP/1.1"'
