from chalicelib import wiring
from chalicelib.media.model import FlagKind, PhotoStatus
from devstack.photo_import import import_archive
from devstack.photo_samples import sample_bytes


def test_an_archive_is_imported_once_and_a_second_run_skips_it(demo, tmp_path):
    (tmp_path / "Баннер 2024.jpg").write_bytes(sample_bytes("coffee"))
    (tmp_path / "copy.jpg").write_bytes(sample_bytes("coffee"))
    (tmp_path / "other.jpg").write_bytes(sample_bytes("rocket"))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,dealer,date\n"
        "Баннер 2024.jpg,AUR-KGD-01,2024-05-10\n"
        "copy.jpg,AUR-MSK-01,2025-02-01\n"
        "other.jpg,AUR-MSK-01,2025-02-02\n"
        "lost.jpg,AUR-MSK-01,2025-02-03\n", encoding="utf-8")

    first = import_archive("aurora", str(tmp_path), manifest)
    second = import_archive("aurora", str(tmp_path), manifest)

    assert first == {"imported": 3, "already_done": 0, "rejected": 0, "missing": 1}
    assert second == {"imported": 0, "already_done": 3, "rejected": 0, "missing": 1}
    from devstack.photo_import import hashlib  # same id rule as the importer

    copy_id = "arc-" + hashlib.sha256(
        f"aurora|{tmp_path}|copy.jpg".encode()).hexdigest()[:24]
    copy = wiring.photos().get("aurora", copy_id)
    assert copy.status is PhotoStatus.PROCESSED
    assert [flag.kind for flag in copy.flags] == [FlagKind.DUPLICATE]


def test_an_archive_is_read_from_a_bucket_prefix_with_cyrillic_names(demo, tmp_path):
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="aurora-archive",
                     CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    s3.put_object(Bucket="aurora-archive", Key="2023/отчёты/Щит 1.jpg",
                  Body=sample_bytes("hubble"))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,dealer,date\nотчёты/Щит 1.jpg,AUR-SPB-01,2023-08-01\n",
                        encoding="utf-8")

    counts = import_archive("aurora", "s3://aurora-archive/2023", manifest)

    assert counts["imported"] == 1
