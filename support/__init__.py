"""Test support shared by tests/, `make demo` (scripts/demo.py) and `make bench` (bench/).

One module per job:

- `paths`          where the repository's files are (dictionary, real event payloads)
- `awsutil`        fake account and credentials, boto3 clients on moto, reading back what
                   the function published, the Lambda context stand-in
- `emf`            the function's metrics read back from its embedded metric format lines
- `builders`       CloudTrail records, log files and the S3/SQS events that carry them
- `moto_server`    moto's server in-process, with the documented patches it needs
- `terraform`      the python-terraform wrapper and the root module's working copies
- `moto_stack`     the root module applied to moto, and the deployed function run in-process
- `iam_policy`     evaluating identity policies against the API calls the function makes
- `regex_grammar`  the grammar of regexes the regex-safety property test and bench draw from
"""
