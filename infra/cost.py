"""A monthly cost estimate of one stage, from stated usage and list prices.

Every figure is derived here from the assumptions below, so a measured
request count (the load benchmarks) replaces an assumption in one place.
Prices: AWS list prices for eu-central-1 (Frankfurt), x86 Lambda, before
any free tier; check them in the AWS pricing calculator before relying on
them. Usage: python infra/cost.py
"""

from dataclasses import dataclass

MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class Usage:
    dealers: int
    dealer_users_per_dealer: float = 2
    importer_users: int = 10
    api_requests_per_dealer_user: int = 3_000
    """A working month: 20 days of about 150 calls (each page makes several)."""
    api_requests_per_importer_user: int = 10_000
    photos_per_dealer: int = 50
    """About 10 placements a month with 5 photos each."""
    photo_mb: float = 4
    months_of_photos_kept: int = 12
    """Photos are evidence for bonus disputes: a year's worth is stored."""

    @property
    def api_requests(self) -> float:
        dealer_users = self.dealers * self.dealer_users_per_dealer
        return (
            dealer_users * self.api_requests_per_dealer_user
            + self.importer_users * self.api_requests_per_importer_user
        )

    @property
    def photos(self) -> float:
        return self.dealers * self.photos_per_dealer


@dataclass(frozen=True, slots=True)
class Prices:
    api_gateway_per_million: float = 3.70
    lambda_per_gb_second: float = 0.0000166667
    lambda_per_million: float = 0.20
    dynamodb_read_per_million: float = 0.1525
    dynamodb_write_per_million: float = 0.7625
    dynamodb_gb_month: float = 0.306
    s3_gb_month: float = 0.0245
    logs_ingest_gb: float = 0.63
    alarm_month: float = 0.10
    secret_month: float = 0.40
    transfer_out_gb: float = 0.09


# Per API request, from the app's handlers: the caller's user row, then the
# data; writes are a fraction of calls. Replace with measured figures.
API_SECONDS = 0.12
API_MEMORY_GB = 1.0
READS_PER_REQUEST = 5
WRITES_PER_REQUEST = 0.5
LOG_KB_PER_REQUEST = 1.0
PHOTO_SECONDS = 1.5
PHOTO_MEMORY_GB = 1.0
TABLE_GB_PER_DEALER = 0.005
ALARMS = 15
SECRETS = 2
PHOTO_VIEWS_PER_PHOTO = 1


def monthly_costs(usage: Usage, prices: Prices = Prices()) -> dict[str, float]:
    requests = usage.api_requests
    api_gb_seconds = requests * API_SECONDS * API_MEMORY_GB
    photo_gb_seconds = usage.photos * PHOTO_SECONDS * PHOTO_MEMORY_GB
    stored_photo_gb = usage.photos * usage.photo_mb / 1024 * usage.months_of_photos_kept
    viewed_gb = usage.photos * usage.photo_mb / 1024 * PHOTO_VIEWS_PER_PHOTO
    return {
        "API Gateway": requests / MILLION * prices.api_gateway_per_million,
        "Lambda": (api_gb_seconds + photo_gb_seconds) * prices.lambda_per_gb_second
        + (requests + usage.photos) / MILLION * prices.lambda_per_million,
        "DynamoDB": requests
        * READS_PER_REQUEST
        / MILLION
        * prices.dynamodb_read_per_million
        + requests * WRITES_PER_REQUEST / MILLION * prices.dynamodb_write_per_million
        + usage.dealers * TABLE_GB_PER_DEALER * prices.dynamodb_gb_month * 2,
        "S3 (photos after a year)": stored_photo_gb * prices.s3_gb_month,
        "Data transfer (photo views)": viewed_gb * prices.transfer_out_gb,
        "CloudWatch logs and alarms": requests
        * LOG_KB_PER_REQUEST
        / MILLION
        * prices.logs_ingest_gb
        + ALARMS * prices.alarm_month,
        "Secrets Manager": SECRETS * prices.secret_month,
        "Cognito (Essentials, under 10,000 MAU)": 0.0,
    }


def table(sizes: tuple[int, ...] = (70, 1_000)) -> str:
    usages = [
        Usage(dealers=size, importer_users=10 if size < 500 else 40) for size in sizes
    ]
    costs = [monthly_costs(usage) for usage in usages]
    header = "| | " + " | ".join(f"{u.dealers} dealers" for u in usages) + " |"
    lines = [header, "|---" * (len(usages) + 1) + "|"]
    lines.append(
        "| API requests a month | "
        + " | ".join(f"{u.api_requests:,.0f}" for u in usages)
        + " |"
    )
    lines.append(
        "| photos a month | " + " | ".join(f"{u.photos:,.0f}" for u in usages) + " |"
    )
    for item in costs[0]:
        lines.append(
            f"| {item} | " + " | ".join(f"${c[item]:,.2f}" for c in costs) + " |"
        )
    lines.append(
        "| **total a month** | "
        + " | ".join(f"**${sum(c.values()):,.0f}**" for c in costs)
        + " |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
