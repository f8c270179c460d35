"""The Glue catalog over the BI bucket, from the export's own schema."""

import aws_cdk as cdk
from aws_cdk import aws_glue as glue
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib.integrations import export_schema
from chalicelib.integrations.export_schema import ExportTable

PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def database_name(stage: str) -> str:
    return f"dmm_{stage}"


def catalog(scope: Construct, stage: str, bi: s3.Bucket) -> list[str]:
    """Declares the database and its tables; returns their ARNs (for policies)."""
    name = database_name(stage)
    database = glue.CfnDatabase(
        scope,
        "BiDatabase",
        catalog_id=cdk.Aws.ACCOUNT_ID,
        database_input=glue.CfnDatabase.DatabaseInputProperty(
            name=name,
            description="Parquet exports of dealer marketing, by brand and period.",
        ),
    )
    arns = [
        cdk.Fn.sub(
            "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"
        ),
        cdk.Fn.sub(
            f"arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:database/{name}"
        ),
    ]
    for table in export_schema.TABLES:
        _table(scope, name, table, bi).node.add_dependency(database)
        arns.append(
            cdk.Fn.sub(
                "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:"
                f"table/{name}/{table.name}"
            )
        )
    return arns


def _table(
    scope: Construct, database_name: str, table: ExportTable, bi: s3.Bucket
) -> glue.CfnTable:
    columns = [
        glue.CfnTable.ColumnProperty(name=c.name, type=c.type, comment=c.comment)
        for c in table.columns
    ]
    partitions = [
        glue.CfnTable.ColumnProperty(name=key, type="string")
        for key in export_schema.PARTITION_KEYS
    ]
    return glue.CfnTable(
        scope,
        f"BiTable{table.name.capitalize()}",
        catalog_id=cdk.Aws.ACCOUNT_ID,
        database_name=database_name,
        table_input=glue.CfnTable.TableInputProperty(
            name=table.name,
            description=table.comment,
            table_type="EXTERNAL_TABLE",
            parameters={"classification": "parquet", "EXTERNAL": "TRUE"},
            partition_keys=partitions,
            storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                columns=columns,
                location=f"s3://{bi.bucket_name}/{table.name}/",
                input_format=PARQUET_INPUT,
                output_format=PARQUET_OUTPUT,
                serde_info=glue.CfnTable.SerdeInfoProperty(
                    serialization_library=PARQUET_SERDE
                ),
            ),
        ),
    )
