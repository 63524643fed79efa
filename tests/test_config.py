"""The crawl's settings model (``newscrawl/config.py``): every setting the project reads is in
it, and a bad value is named."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from newscrawl.addon import DEFAULTS
from newscrawl.browser import settings as browser
from newscrawl.config import CrawlSettings, SettingError, crawl_settings
from newscrawl.frontier.addon import DEFAULTS as FRONTIER_DEFAULTS
from newscrawl.settings import __dict__ as project_settings


def test_every_project_setting_is_checked_by_the_model() -> None:
    names = set(CrawlSettings.names())
    given = [*DEFAULTS, *FRONTIER_DEFAULTS, *browser.as_dict(), *project_settings]
    ours = {k for k in given if k.startswith("NEWSCRAWL_")}
    assert ours - names == set()
    # Scrapy's settings the project sets (settings.py), other than component tables and names.
    scrapy_ones = {k for k in project_settings if k.isupper() and not k.startswith("NEWSCRAWL_")}
    unchecked = {"BOT_NAME", "SPIDER_MODULES", "NEWSPIDER_MODULE", "COMMANDS_MODULE", "ADDONS"}
    unchecked |= {"TWISTED_REACTOR", "LOG_LEVEL", "LOG_FORMATTER"}
    assert scrapy_ones - unchecked - names == set()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NEWSCRAWL_MAX_LISTING_PAGES", "abc", "not a whole number: 'abc'"),
        ("NEWSCRAWL_MAX_LISTING_PAGES", "0", "input should be greater than or equal to 1: '0'"),
        ("NEWSCRAWL_FEED_FSYNC_EVERY", "x", "not a whole number: 'x'"),
        ("NEWSCRAWL_INCREMENTAL_OVERLAP_HOURS", "two", "not a number: 'two'"),
        ("NEWSCRAWL_STATE_ENABLED", "maybe", "not a boolean (True or False): 'maybe'"),
        ("NEWSCRAWL_HEALTH_MIN_ARTICLES_RATIO", "1.5", "input should be less than or equal to 1"),
        ("NEWSCRAWL_HEALTH_MAX_DAMAGED_RATIO", "-1", "input should be greater than or equal to 0"),
        ("NEWSCRAWL_PAGE_INTEGRITY", "perhaps", "not a boolean (True or False): 'perhaps'"),
        ("NEWSCRAWL_STATE_BACKEND", "mysql", "input should be 'sqlite' or 'redis': 'mysql'"),
        ("NEWSCRAWL_ALERT_WEBHOOK_URL", "hooks.example.org", "'hooks.example.org' is not an http"),
        ("RETRY_HTTP_CODES", "500,teapot", "not a whole number: 'teapot'"),
        ("NEWSCRAWL_WATCH_QUIET_PERCENTILE", "101", "input should be less than or equal to 100"),
        ("NEWSCRAWL_WATCH_QUIET_HISTORY_DAYS", "0", "input should be greater than 0: '0'"),
        ("CONCURRENT_REQUESTS", "0", "input should be greater than or equal to 1: '0'"),
    ],
)
def test_a_bad_value_is_named(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as raised:
        CrawlSettings.check(Settings({name: value}))
    assert str(raised.value).startswith(f"{name}: {message}")


def test_settings_that_need_each_other_are_checked_together() -> None:
    with pytest.raises(SettingError, match=r"^REDIS_URL: NEWSCRAWL_FRONTIER=redis needs REDIS_URL"):
        CrawlSettings.check(Settings({"NEWSCRAWL_FRONTIER": "redis"}))


def test_values_given_as_text_are_read_as_scrapy_reads_them() -> None:
    settings = Settings(
        {
            "NEWSCRAWL_MAX_LISTING_PAGES": "7",
            "NEWSCRAWL_STATE_ENABLED": "False",
            "NEWSCRAWL_ALERT_EMAIL_TO": "a@example.org, b@example.org",
            "NEWSCRAWL_STATE_DIR": "",
            "RETRY_HTTP_CODES": "500,503",
            "NEWSCRAWL_PROFILE": "Replica",
        }
    )
    settings.freeze()
    config = crawl_settings(settings)
    assert config.max_listing_pages == 7 and config.state_enabled is False
    assert config.alert_email_to == ["a@example.org", "b@example.org"]
    assert config.state_dir is None and config.retry_http_codes == [500, 503]
    assert config.profile == "replica"
    assert crawl_settings(settings) is config  # one model per frozen settings
