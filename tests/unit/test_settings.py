"""Settings from the environment: origins, Cognito and the development key."""

from chalicelib.settings import Settings, resource_name


def test_lists_in_the_environment_are_split_and_trimmed(monkeypatch):
    monkeypatch.setenv("DMM_WEB_ORIGINS",
                       " https://marketing.aurora.example , https://m.aurora.example,,")
    monkeypatch.setenv("DMM_COGNITO_CLIENT_IDS", "web,mobile")
    monkeypatch.setenv("DMM_COGNITO_ISSUER",
                       "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_A")

    settings = Settings.from_env()

    assert settings.web_origins == ("https://marketing.aurora.example",
                                    "https://m.aurora.example")
    assert settings.cognito_client_ids == ("web", "mobile")
    assert settings.cognito_issuer is not None


def test_empty_values_mean_not_configured(monkeypatch):
    monkeypatch.setenv("DMM_WEB_ORIGINS", "")
    monkeypatch.setenv("DMM_COGNITO_ISSUER", "")
    monkeypatch.setenv("DMM_DEV_PUBLIC_KEY", "")

    settings = Settings.from_env()

    assert settings.web_origins == ()
    assert settings.cognito_issuer is None
    assert settings.dev_public_key_pem is None
    assert not settings.accepts_dev_issuer


def test_resource_names_are_qualified_by_the_stage():
    assert resource_name("dealers") == "dmm-test-dealers"
    assert resource_name("jobs-dlq") == "dmm-test-jobs-dlq"
