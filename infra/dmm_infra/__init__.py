"""The AWS CDK app around the Chalice app: everything `app.py` needs in AWS.

Tables, queues and buckets are generated from the app's own declarations
(`chalicelib.tables`, `chalicelib.resources`), functions from the Chalice
app's routes and event sources; only what each function may touch is
written here by hand (`functions.py`).
"""
