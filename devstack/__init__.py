"""The local stack: AWS emulator, bootstrap, demo data, event runner, `dmm`.

Development tooling only; never packaged into Lambda.
"""
