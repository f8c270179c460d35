"""Every DynamoDB table of the app, as its PynamoDB model describes it.

The local bootstrap creates tables from these models and infra declares them
from the same description (`table_definitions`).
"""

from typing import Any

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.access.dynamo import UserModel
from chalicelib.audit.dynamo import AuditEntryModel
from chalicelib.bonus.dynamo import MODELS as BONUS_MODELS
from chalicelib.budgets.dynamo import BudgetModel, LedgerEntryModel
from chalicelib.channels.dynamo import ChannelModel
from chalicelib.dynamo import table_meta
from chalicelib.integrations.dynamo import (
    ContactModel,
    DealerSummaryModel,
    ExportModel,
    ImportModel,
    IntegrationSettingModel,
    LeadModel,
    SalesModel,
    TargetModel,
    TrafficModel,
)
from chalicelib.jobs.dynamo import JobModel
from chalicelib.media.creatives_dynamo import (
    CreativeChangesModel,
    CreativeDownloadModel,
    CreativeModel,
)
from chalicelib.media.dynamo import PhotoHashModel, PhotoModel
from chalicelib.network.dynamo import BrandModel, DealerModel
from chalicelib.notification_prefs.dynamo import PreferencesModel, TemplateModel
from chalicelib.notifications.dynamo import EventModel, NotificationModel
from chalicelib.placements.dynamo import PlacementModel, ReportModel
from chalicelib.surveys.dynamo import SurveyModel, SurveyResponseModel


class IdempotencyRecordModel(Model):
    """Storage shape of Powertools' idempotency records; declared here so the
    table is created like every other one. Powertools itself writes it."""

    Meta = table_meta("idempotency")

    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute()


MODELS: tuple[type[Model], ...] = (
    BrandModel,
    DealerModel,
    UserModel,
    JobModel,
    IdempotencyRecordModel,
    *BONUS_MODELS,
    CreativeModel,
    CreativeChangesModel,
    CreativeDownloadModel,
    SurveyModel,
    SurveyResponseModel,
    PreferencesModel,
    TemplateModel,
    SalesModel,
    TrafficModel,
    LeadModel,
    ContactModel,
    IntegrationSettingModel,
    TargetModel,
    DealerSummaryModel,
    ImportModel,
    ExportModel,
    PhotoModel,
    PhotoHashModel,
    ChannelModel,
    PlacementModel,
    ReportModel,
    BudgetModel,
    LedgerEntryModel,
    AuditEntryModel,
    EventModel,
    NotificationModel,
)


def table_definitions() -> list[dict[str, Any]]:
    """Keys, indexes and TTL of every table, in DynamoDB's CreateTable terms."""
    return [_definition(model) for model in MODELS]


def _definition(model: type[Model]) -> dict[str, Any]:
    schema = model._get_schema()
    ttl = model._ttl_attribute()
    return {
        "TableName": model.Meta.table_name,
        "KeySchema": _hash_first(schema["key_schema"]),
        "AttributeDefinitions": schema["attribute_definitions"],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": index["index_name"],
                "KeySchema": _hash_first(index["key_schema"]),
                "Projection": index["projection"],
            }
            for index in schema["global_secondary_indexes"]
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": index["index_name"],
                "KeySchema": _hash_first(index["key_schema"]),
                "Projection": index["projection"],
            }
            for index in schema["local_secondary_indexes"]
        ],
        "TimeToLiveAttribute": ttl.attr_name if ttl else None,
    }


def _hash_first(key_schema: list[Any]) -> list[Any]:
    """CloudFormation wants the HASH key before the RANGE key; PynamoDB lists
    them in the order the model declares its attributes."""
    return sorted(key_schema, key=lambda key: key["KeyType"] != "HASH")
