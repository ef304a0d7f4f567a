# ---- General ----

variable "name_prefix" {
  description = "Prefix of every resource name. Bucket names become <name_prefix>-trail-logs-<account>-<region> and <name_prefix>-dictionary-<account>-<region>."
  type        = string
  default     = "paramguard"

  validation {
    # 3-20 characters keeps both bucket names within S3's 63-character limit in every region.
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix)) && !startswith(var.name_prefix, "xn--") && !startswith(var.name_prefix, "sthree-")
    error_message = "name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, start and end with a letter or digit, and not start with \"xn--\" or \"sthree-\"."
  }
}

# ---- CloudTrail ----

variable "existing_cloudtrail_bucket_name" {
  description = "Name of the S3 bucket an existing (account or organization) trail already delivers to. Empty creates a trail and its log bucket; non-empty creates neither and reads the logs from this bucket (keys AWSLogs/<account>/... or AWSLogs/<o-id>/<account>/...)."
  type        = string
  default     = ""

  validation {
    condition     = var.existing_cloudtrail_bucket_name == "" || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.existing_cloudtrail_bucket_name))
    error_message = "existing_cloudtrail_bucket_name must be empty or a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "existing_cloudtrail_kms_key_arn" {
  description = "ARN of the KMS key the existing trail encrypts its log files with (SSE-KMS). Empty when the log files are not KMS-encrypted. Only used with existing_cloudtrail_bucket_name."
  type        = string
  default     = ""

  validation {
    condition     = var.existing_cloudtrail_kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.existing_cloudtrail_kms_key_arn))
    error_message = "existing_cloudtrail_kms_key_arn must be empty or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
}

variable "existing_cloudtrail_key_prefix" {
  description = "S3 key prefix the existing trail writes under (its S3KeyPrefix, e.g. \"org-trail\" for org-trail/AWSLogs/...). Empty when the keys start with AWSLogs/. Only used with existing_cloudtrail_bucket_name."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]{0,200}$", var.existing_cloudtrail_key_prefix))
    error_message = "existing_cloudtrail_key_prefix must be an S3 key prefix of up to 200 letters, digits and !_.*'()/- (without AWSLogs/)."
  }
}

variable "create_bucket_notification" {
  description = "Whether the module puts the S3 event notification that invokes the function on the trail bucket. null (default): only on the bucket the module creates, never on an existing_cloudtrail_bucket_name. true on an existing bucket is an explicit opt-in: S3 keeps ONE notification configuration per bucket, so it REPLACES (and destroy removes) whatever else that bucket notifies, e.g. a SIEM or Security Lake. false: never; wire the function yourself (docs/deploy.md, \"An existing or organization trail\")."
  type        = bool
  default     = null
}

variable "log_expiration_days" {
  description = "Days after which CloudTrail log files in the created log bucket are deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.log_expiration_days >= 1 && floor(var.log_expiration_days) == var.log_expiration_days
    error_message = "log_expiration_days must be a whole number of at least 1."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the created log bucket and the dictionary bucket even when they are not empty. true DELETES ALL CLOUDTRAIL LOG FILES and every dictionary version on destroy. Apply the change before destroying."
  type        = bool
  default     = false
}

# ---- Dictionary ----

variable "dictionary_key" {
  description = "Object key of the suspicious-name dictionary in the dictionary bucket."
  type        = string
  default     = "dictionary.txt"

  validation {
    condition     = length(var.dictionary_key) <= 1024 && can(regex("^[A-Za-z0-9!_.*'()/-]+$", var.dictionary_key)) && !startswith(var.dictionary_key, "/")
    error_message = "dictionary_key must be 1-1024 characters of letters, digits and !_.*'()/- and must not start with \"/\"."
  }
}

variable "dictionary_ttl_seconds" {
  description = "How long the function caches the dictionary before checking its ETag again; a new upload takes effect within this time."
  type        = number
  default     = 60

  validation {
    condition     = var.dictionary_ttl_seconds >= 0 && var.dictionary_ttl_seconds <= 86400 && floor(var.dictionary_ttl_seconds) == var.dictionary_ttl_seconds
    error_message = "dictionary_ttl_seconds must be a whole number from 0 to 86400."
  }
}

variable "dictionary_noncurrent_version_days" {
  description = "Days an overwritten dictionary version is kept (for roll-back) before it is deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.dictionary_noncurrent_version_days >= 1 && floor(var.dictionary_noncurrent_version_days) == var.dictionary_noncurrent_version_days
    error_message = "dictionary_noncurrent_version_days must be a whole number of at least 1."
  }
}

# ---- Function ----

variable "lambda_memory_size" {
  description = "Memory of the detector function in MB (CPU scales with it)."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && floor(var.lambda_memory_size) == var.lambda_memory_size
    error_message = "lambda_memory_size must be a whole number of MB from 128 to 10240."
  }
}

variable "lambda_timeout" {
  description = "Timeout of the detector function in seconds (one invocation reads one CloudTrail log file)."
  type        = number
  default     = 120

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 900 && floor(var.lambda_timeout) == var.lambda_timeout
    error_message = "lambda_timeout must be a whole number of seconds from 1 to 900."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Reserved concurrency of the detector function. null reserves none (uses the account's unreserved pool). Lambda keeps at least 100 unreserved, so any value fails to apply in an account whose concurrency quota is below 100 + this value (new accounts may start at 10)."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrent_executions == null || try(var.lambda_reserved_concurrent_executions >= 0 && floor(var.lambda_reserved_concurrent_executions) == var.lambda_reserved_concurrent_executions, false)
    error_message = "lambda_reserved_concurrent_executions must be null or a whole number of at least 0."
  }
}

variable "log_level" {
  description = "Log level of the function: DEBUG, INFO, WARNING or ERROR."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be one of DEBUG, INFO, WARNING, ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group in days (0 = never expire)."
  type        = number
  default     = 30

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "max_notifications_per_invocation" {
  description = "Most per-finding SNS messages one invocation sends; further findings are still counted in the metric."
  type        = number
  default     = 20

  validation {
    condition     = var.max_notifications_per_invocation >= 1 && var.max_notifications_per_invocation <= 1000 && floor(var.max_notifications_per_invocation) == var.max_notifications_per_invocation
    error_message = "max_notifications_per_invocation must be a whole number from 1 to 1000."
  }
}

variable "package_python" {
  description = "Python interpreter that runs scripts/package_lambda.py to build the deployment zip (standard library only; it runs `python -m pip download` for the pinned python-isal wheel, and builds without it, on the stdlib zlib, where pip or the network is missing)."
  type        = string
  default     = "python3"
}

# ---- Alerting ----

variable "heartbeat_minutes" {
  description = "With the S3 path (trigger_mode s3 or both), raise the heartbeat alarm when no CloudTrail log file has been processed for this many minutes: a stopped or deleted trail, a removed bucket notification, a broken invoke permission or a disabled function. A multi-region trail delivers a file every few minutes even in a quiet account; raise this for an account with hours without any write call. 0 disables the alarm."
  type        = number
  default     = 60

  validation {
    # The alarm evaluates 5-minute periods, and CloudWatch allows at most one day of
    # evaluation (period x evaluation periods) for periods under an hour.
    condition     = var.heartbeat_minutes == 0 || (var.heartbeat_minutes >= 5 && var.heartbeat_minutes <= 1440 && var.heartbeat_minutes % 5 == 0)
    error_message = "heartbeat_minutes must be 0 (no heartbeat alarm) or a multiple of 5 from 5 to 1440 (one day)."
  }
}

variable "kms_key_deletion_window_days" {
  description = "Days the alert topic's KMS key waits in PendingDeletion after destroy, during which the deletion can be cancelled (messages encrypted under it stay readable only while the key exists)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30 && floor(var.kms_key_deletion_window_days) == var.kms_key_deletion_window_days
    error_message = "kms_key_deletion_window_days must be a whole number of days from 7 to 30."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the function's custom metrics (`AnomaliesDetected`, `LogFilesProcessed`, `LogFileFailures`, `DictionaryLoadFailures`, `InventoryFailures`, ...), which the alarms watch."
  type        = string
  default     = "ParamStoreAnalyser"

  validation {
    condition     = !startswith(var.metric_namespace, "AWS/") && can(regex("^[A-Za-z0-9.#:/_-]{1,255}$", var.metric_namespace))
    error_message = "metric_namespace must be 1-255 characters of letters, digits and . - _ / # : and must not start with \"AWS/\" (reserved for AWS services)."
  }
}

variable "notification_email" {
  description = "Email address subscribed to the alert topic (the recipient must confirm the subscription). Empty subscribes nobody."
  type        = string
  default     = ""

  validation {
    condition     = var.notification_email == "" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.notification_email))
    error_message = "notification_email must be empty or an email address such as security@example.com."
  }
}

variable "trigger_mode" {
  description = "How events reach the function: \"s3\" (CloudTrail log files, 5-15 minutes after the write, as the original workshop), \"eventbridge\" (CloudTrail PutParameter and Parameter Store Change events from the default bus, within seconds, in this region only), or \"both\" (each write is still notified once, through the deduplication table)."
  type        = string
  default     = "s3"

  validation {
    condition     = contains(["s3", "eventbridge", "both"], var.trigger_mode)
    error_message = "trigger_mode must be \"s3\", \"eventbridge\" or \"both\"."
  }
}

variable "enable_deduplication" {
  description = "Create a small DynamoDB table (on-demand, encrypted, TTL) so that a write delivered twice (S3's at-least-once events, Lambda retries, a re-processed log file, or both trigger paths) is notified once. Always on with trigger_mode = \"both\" or an inventory_schedule."
  type        = bool
  default     = true
}

variable "inventory_schedule" {
  description = "EventBridge schedule for a sweep of parameters that already exist (String/StringList whose names match), e.g. \"rate(1 day)\". Empty: no sweep. An unchanged parameter is reported once, not on every sweep."
  type        = string
  default     = ""

  validation {
    condition     = var.inventory_schedule == "" || can(regex("^(rate|cron)\\(.+\\)$", var.inventory_schedule))
    error_message = "inventory_schedule must be empty or an EventBridge schedule expression such as \"rate(1 day)\" or \"cron(0 6 * * ? *)\"."
  }
}

variable "inventory_regions" {
  description = "Regions the scheduled sweep lists parameters in. Empty: the deployment's region."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for region in var.inventory_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", region))])
    error_message = "inventory_regions must hold region names such as \"us-east-1\"."
  }
}

variable "max_decompressed_mb" {
  description = "Largest decompressed CloudTrail log file the function reads, in MiB; a larger one (or a gzip bomb) is refused, logged and counted in DecompressionLimitExceeded instead of exhausting memory. Null: (lambda_memory_size - 96) x 0.6, which is 96 MiB for the default 256 MB. make bench (bench/hostile.py) measured reading any log, hostile ones included, at most 1.3 MiB of resident memory per MiB of log (1.14 at 64 MiB) over a 60-70 MiB base (Python, boto3, the compressed object): about 200 MB at 96 MiB, leaving room for the Lambda runtime. Each finding also holds about 1.2 KB until it is reported."
  type        = number
  default     = null

  validation {
    condition     = var.max_decompressed_mb == null || try(var.max_decompressed_mb >= 1 && var.max_decompressed_mb <= 16384, false)
    error_message = "max_decompressed_mb must be null or a number of MiB from 1 to 16384."
  }
}

variable "dictionary_min_ratio_percent" {
  description = "An uploaded dictionary with fewer entries than this percentage of the one in use is refused (and DictionaryLoadFailures fires): a blinded detector must be noticed. 0 allows any shrink."
  type        = number
  default     = 20

  validation {
    condition     = var.dictionary_min_ratio_percent >= 0 && var.dictionary_min_ratio_percent <= 100 && floor(var.dictionary_min_ratio_percent) == var.dictionary_min_ratio_percent
    error_message = "dictionary_min_ratio_percent must be a whole number from 0 to 100."
  }
}

variable "inspect_values" {
  description = "Read the value of every plain String/StringList write (the exact version written, no decryption) and report secrets found in it whatever the parameter is called (docs/value-inspection.md). Adds ssm:GetParameter on this account's parameters to the function's role, one GetParameter call per plaintext write (shared with your applications' Parameter Store throughput), and the value-read-failures alarm. Values are inspected in memory only: never logged, sent or stored."
  type        = bool
  default     = false
}

variable "securityhub_findings" {
  description = "Import each finding into the account's AWS Security Hub (ASFF, the account's default integration; docs/operations.md \"Findings in Security Hub and EventBridge\"). Security Hub must be enabled in the function's region. Adds securityhub:BatchImportFindings on that product ARN to the function's role. Findings about other accounts (an organization trail) cannot be imported this way: they are logged and counted in FindingExportFailures."
  type        = bool
  default     = false
}

variable "eventbridge_findings" {
  description = "Put each finding on the account's default EventBridge bus (source `paramguard`, detail-type `Plaintext Secret Parameter Finding`, the finding as detail, never the value), for rules routing it to Chatbot, ticketing or automation. Adds events:PutEvents on the default bus (condition events:source = paramguard) to the function's role; one PutEvents call per 10 findings, none without findings."
  type        = bool
  default     = false
}

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard (findings, log files and bytes scanned, each kind of failure, duplicates suppressed, dictionary load failures, the alarms' states) and two saved CloudWatch Logs Insights queries (findings of the last 24 h by actor; files that failed and why)."
  type        = bool
  default     = true
}

# ---- Organization (docs/organization.md) ----

variable "member_role_name" {
  description = "Name of paramguard's read-only role in the organization's member accounts (path \"/\"). Non-empty turns cross-account look-ups on: the function assumes it to look up a parameter's type (and value, with inspect_values) in the account a record of an organization trail comes from, and the sweep uses it in every account. Set it alone when you deploy the role yourself (modules/member-role from the management account, Control Tower customisations, Account Factory for Terraform). Empty with organization_member_role = true: \"paramguard-member\"."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{0,64}$", var.member_role_name))
    error_message = "member_role_name must be empty or 1-64 characters of letters, digits and +=,.@_- (an IAM role name)."
  }
}

variable "organization_member_role" {
  description = "Deploy the member role (member_role_name) to the organization's accounts from this account, as a CloudFormation StackSet with service-managed permissions, and turn cross-account look-ups on. This account must be the organization's management account (member_role_call_as = \"SELF\") or the StackSets delegated administrator (\"DELEGATED_ADMIN\"), with trusted access for StackSets on. A detector in another account deploys the role with modules/member-role from such an account instead (examples/organization)."
  type        = bool
  default     = false
}

variable "member_role_deployment_targets" {
  description = "With organization_member_role: the organization root or OU IDs the role is deployed to (r-... or ou-...-...; child OUs included, new accounts automatically). Empty: the organization's root, looked up."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for target in var.member_role_deployment_targets : can(regex("^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$", target))])
    error_message = "member_role_deployment_targets must hold organization root IDs (r-...) or OU IDs (ou-...-...)."
  }
}

variable "member_role_call_as" {
  description = "With organization_member_role: \"DELEGATED_ADMIN\" when this account is registered as the StackSets delegated administrator (the usual place for a security tooling account), \"SELF\" when it is the organization's management account."
  type        = string
  default     = "DELEGATED_ADMIN"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.member_role_call_as)
    error_message = "member_role_call_as must be \"SELF\" or \"DELEGATED_ADMIN\"."
  }
}

variable "member_role_region" {
  description = "With organization_member_role: the one region the StackSet's stack instances deploy in (an IAM role is global). Null: this deployment's region. It must be enabled in every target account."
  type        = string
  default     = null

  validation {
    condition     = var.member_role_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.member_role_region))
    error_message = "member_role_region must be null or a region name such as \"eu-west-1\"."
  }
}

variable "inventory_organization" {
  description = "Make the scheduled sweep (inventory_schedule) cover every account of the organization: each run queues one message per account (organizations:ListAccounts, or organization_accounts) on an SQS queue that invokes the function once per account, which assumes the member role there and sweeps inventory_regions. Needs inventory_schedule and cross-account look-ups (member_role_name or organization_member_role). Per-account failures count in InventoryFailures; messages that failed every attempt wait in the sweep dead-letter queue, which has its own alarm."
  type        = bool
  default     = false
}

variable "organization_accounts" {
  description = "With inventory_organization: the account IDs to sweep, instead of listing the organization's accounts (organizations:ListAccounts needs the management account or a delegated administrator). Empty: every account ListAccounts returns."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for account in var.organization_accounts : can(regex("^[0-9]{12}$", account))])
    error_message = "organization_accounts must hold 12-digit AWS account IDs."
  }
}

variable "organization_sweep_concurrency" {
  description = "With inventory_organization: most accounts swept at the same time (the SQS event source's maximum concurrency; 2-1000). It bounds how much of the account's Lambda concurrency the sweep takes; keep it below lambda_reserved_concurrent_executions when that is set. Parameter Store throttles per account and region, so accounts swept at the same time do not share a limit."
  type        = number
  default     = 10

  validation {
    condition     = var.organization_sweep_concurrency >= 2 && var.organization_sweep_concurrency <= 1000 && floor(var.organization_sweep_concurrency) == var.organization_sweep_concurrency
    error_message = "organization_sweep_concurrency must be a whole number from 2 to 1000."
  }
}
