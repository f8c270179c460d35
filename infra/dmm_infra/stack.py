"""One stage of the app in AWS: the Chalice app and everything around it."""

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from chalice.cdk import Chalice
from constructs import Construct

from dmm_infra import analytics, gateway, identity, monitoring, storage
from dmm_infra.functions import INTEGRATION_SECRETS, AppFunction
from dmm_infra.layers import layer
from dmm_infra.policies import Resources, policy_document
from dmm_infra.stages import REPO, StageSettings

RETENTION = {
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}
"""Log retention a stage may choose (context `log_retention_days`)."""


class DmmStack(cdk.Stack):
    """The stack's id is the stage name: `chalice.cdk` reads its Chalice stage
    from the construct scope's path and would otherwise ignore the stage's
    configuration."""

    def __init__(
        self,
        scope: Construct,
        stage: StageSettings,
        functions: list[AppFunction],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            stage.name,
            stack_name=f"dmm-{stage.name}",
            description=f"Dealer marketing management, stage {stage.name}",
            **kwargs,
        )
        self.stage = stage
        self.functions = functions

        tables = storage.tables(self)
        queues = storage.queues(self)
        access_logs = storage.access_logs_bucket(self)
        buckets = storage.buckets(self, stage, queues, access_logs)
        users = identity.identity(self, stage)
        secrets = self._secrets()
        catalog = analytics.catalog(self, stage.name, buckets["bi"])
        self._sender()
        alarms = monitoring.alarm_topic(self, stage)
        for name, queue in queues.items():
            assert queue.dead_letter_queue is not None
            monitoring.dead_letter_alarm(
                self, alarms, queue.dead_letter_queue.queue, f"{name}-dlq"
            )

        self.chalice = Chalice(self, "App", source_dir=str(REPO))
        built = Resources(tables, queues, buckets, users.pool, secrets, catalog)
        layers = {
            name: layer(self, name, stage.layer_placeholders)
            for function in functions
            for name in function.spec.layers
        }
        for function in functions:
            self._configure(function, built, layers)
            monitoring.function_alarms(
                self, alarms, self.function_name(function), function.logical_id
            )
        self._api_settings(users)

    def function_name(self, function: AppFunction) -> str:
        return f"dmm-{self.stage.name}-{function.name}"

    def _configure(
        self,
        function: AppFunction,
        built: Resources,
        layers: dict[str, lambda_.LayerVersion],
    ) -> None:
        name = self.function_name(function)
        log_group = logs.LogGroup(
            self,
            f"{function.logical_id}Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=RETENTION[self.stage.log_retention_days],
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        resource = self.chalice.get_resource(function.logical_id)
        resource.add_property_override("FunctionName", name)
        resource.add_property_override("MemorySize", function.spec.memory_mb)
        resource.add_property_override("Timeout", function.spec.timeout_seconds)
        if function.spec.layers:
            arns = [
                layers[layer_name].layer_version_arn
                for layer_name in function.spec.layers
            ]
            resource.add_property_override("Layers", arns)
        environment = {
            "DMM_BUCKET_SUFFIX": cdk.Fn.sub(storage.bucket_suffix()),
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }
        for key, value in environment.items():
            resource.add_property_override(f"Environment.Variables.{key}", value)
        if function.queue is not None:
            # Chalice does not turn on per-message failures; its handlers
            # answer `batchItemFailures`.
            resource.add_property_override(
                f"Events.{function.sqs_event_id}.Properties.FunctionResponseTypes",
                ["ReportBatchItemFailures"],
            )
        resource.node.add_dependency(log_group)

        role = self.chalice.get_resource(function.role_logical_id)
        document = policy_document(function, built, log_group.log_group_arn)
        role.add_property_override(
            "Policies",
            [{"PolicyName": f"{name}-access", "PolicyDocument": document.to_json()}],
        )

    def _api_settings(self, users: identity.Identity) -> None:
        handler = self.chalice.get_resource("APIHandler")
        environment = {
            "DMM_WEB_ORIGINS": ",".join(self.stage.web_origins),
            "DMM_COGNITO_ISSUER": users.issuer,
            "DMM_COGNITO_CLIENT_IDS": users.client_ids,
        }
        for key, value in environment.items():
            handler.add_property_override(f"Environment.Variables.{key}", value)
        api = self.chalice.get_resource("RestAPI")
        api.add_property_override(
            "DefinitionBody.x-amazon-apigateway-gateway-responses",
            gateway.gateway_responses(self.stage.web_origins),
        )
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "MetricsEnabled": True,
                    "ThrottlingBurstLimit": 200,
                    "ThrottlingRateLimit": 100,
                }
            ],
        )
        cdk.CfnOutput(self, "UserPoolId", value=users.pool.user_pool_id)
        for kind, client in users.clients.items():
            cdk.CfnOutput(
                self, f"{kind.capitalize()}ClientId", value=client.user_pool_client_id
            )

    def _secrets(self) -> dict[str, secretsmanager.Secret]:
        return {
            kind: secretsmanager.Secret(
                self,
                f"Secret{kind.capitalize()}",
                secret_name=f"dmm/{self.stage.name}/integrations/{kind}",
                description=f"Credentials of the {kind} integration, set by hand.",
                removal_policy=cdk.RemovalPolicy.RETAIN,
            )
            for kind in INTEGRATION_SECRETS
        }

    def _sender(self) -> None:
        if self.stage.sender_domain:
            ses.EmailIdentity(
                self, "Sender", identity=ses.Identity.domain(self.stage.sender_domain)
            )
