"""Alarms to one SNS topic: dead letters waiting, Lambda errors, throttles."""

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from dmm_infra.stages import StageSettings
from dmm_infra.storage import logical_id

PERIOD = cdk.Duration.minutes(5)


def alarm_topic(scope: Construct, stage: StageSettings) -> sns.Topic:
    topic = sns.Topic(
        scope, "Alarms", topic_name=f"dmm-{stage.name}-alarms", enforce_ssl=True
    )
    if stage.alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(stage.alarm_email))
    return topic


def dead_letter_alarm(
    scope: Construct, topic: sns.Topic, queue: sqs.IQueue, name: str
) -> None:
    metric = queue.metric_approximate_number_of_messages_visible(
        period=PERIOD, statistic="Maximum"
    )
    _alarm(
        scope,
        logical_id("DeadLetters", name),
        metric,
        topic,
        f"Messages wait in the dead-letter queue {name}: look, fix, redrive.",
    )


def function_alarms(
    scope: Construct, topic: sns.Topic, function_name: str, logical_id: str
) -> None:
    for metric_name in ("Errors", "Throttles"):
        metric = cloudwatch.Metric(
            namespace="AWS/Lambda",
            metric_name=metric_name,
            dimensions_map={"FunctionName": function_name},
            period=PERIOD,
            statistic="Sum",
        )
        _alarm(
            scope,
            f"{logical_id}{metric_name}",
            metric,
            topic,
            f"{function_name}: {metric_name.lower()} in the last 5 minutes.",
        )


def _alarm(
    scope: Construct,
    alarm_id: str,
    metric: cloudwatch.Metric,
    topic: sns.Topic,
    description: str,
) -> None:
    alarm = cloudwatch.Alarm(
        scope,
        alarm_id,
        metric=metric,
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    alarm.add_alarm_action(actions.SnsAction(topic))
