"""The app's one structured logger (Powertools), shared by every handler."""

from aws_lambda_powertools import Logger

logger = Logger(service="dmm")
