
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'orqex' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'orqex'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'orqex' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Create and inspect hosted checkouts')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a secret key in a profile (typed hidden, or piped with --with-key)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the secret key from a profile')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from, or change them')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) on stdout: orqex(1), or a subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;checkout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a hosted checkout and print its URL')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Retrieve one checkout by its id and print it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;checkout;create' {
            [CompletionResult]::new('--amount', '--amount', [CompletionResultType]::ParameterName, 'Amount in major units, as a plain decimal (50 or 12.5); at least 1; sent exactly as typed (required)')
            [CompletionResult]::new('--currency', '--currency', [CompletionResultType]::ParameterName, 'Three-letter ISO 4217 currency code, e.g. XOF, sent uppercase (required, unless the profile has a default currency)')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description shown to the customer on the checkout page (required, at most 500 characters)')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Customer''s email address (required)')
            [CompletionResult]::new('--customer-email', '--customer-email', [CompletionResultType]::ParameterName, 'Customer''s email address (required)')
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'Customer''s first name (required)')
            [CompletionResult]::new('--customer-first-name', '--customer-first-name', [CompletionResultType]::ParameterName, 'Customer''s first name (required)')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'Customer''s last name (required)')
            [CompletionResult]::new('--customer-last-name', '--customer-last-name', [CompletionResultType]::ParameterName, 'Customer''s last name (required)')
            [CompletionResult]::new('--address', '--address', [CompletionResultType]::ParameterName, 'Customer''s street address')
            [CompletionResult]::new('--customer-address', '--customer-address', [CompletionResultType]::ParameterName, 'Customer''s street address')
            [CompletionResult]::new('--city', '--city', [CompletionResultType]::ParameterName, 'Customer''s city')
            [CompletionResult]::new('--customer-city', '--customer-city', [CompletionResultType]::ParameterName, 'Customer''s city')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Customer''s state or region')
            [CompletionResult]::new('--customer-state', '--customer-state', [CompletionResultType]::ParameterName, 'Customer''s state or region')
            [CompletionResult]::new('--country', '--country', [CompletionResultType]::ParameterName, 'Customer''s country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)')
            [CompletionResult]::new('--customer-country', '--customer-country', [CompletionResultType]::ParameterName, 'Customer''s country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)')
            [CompletionResult]::new('--zip', '--zip', [CompletionResultType]::ParameterName, 'Customer''s postal code')
            [CompletionResult]::new('--customer-zip', '--customer-zip', [CompletionResultType]::ParameterName, 'Customer''s postal code')
            [CompletionResult]::new('--return-url', '--return-url', [CompletionResultType]::ParameterName, 'URL the customer returns to after checkout (absolute http(s), at most 2048 characters)')
            [CompletionResult]::new('--webhook-url', '--webhook-url', [CompletionResultType]::ParameterName, 'URL Orqex POSTs this checkout''s payment events to (absolute http(s), at most 2048 characters)')
            [CompletionResult]::new('--statement-descriptor', '--statement-descriptor', [CompletionResultType]::ParameterName, 'Text on the customer''s card statement (at most 22 characters)')
            [CompletionResult]::new('--receipt-email', '--receipt-email', [CompletionResultType]::ParameterName, 'Email address the receipt is sent to (at most 255 characters)')
            [CompletionResult]::new('--restrict-country', '--restrict-country', [CompletionResultType]::ParameterName, 'Only allow payers from this country, ISO 3166-1 alpha-2 (e.g. CI)')
            [CompletionResult]::new('--restrict-phone', '--restrict-phone', [CompletionResultType]::ParameterName, 'Only allow this phone number (national format, e.g. 0700000000); needs --restrict-phone-country')
            [CompletionResult]::new('--restrict-phone-country', '--restrict-phone-country', [CompletionResultType]::ParameterName, 'Country of --restrict-phone, ISO 3166-1 alpha-2 (e.g. CI)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Checkout''s primary colour, e.g. #1a73e8')
            [CompletionResult]::new('--brand', '--brand', [CompletionResultType]::ParameterName, 'Label shown on the checkout (defaults to the project''s name)')
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)')
            [CompletionResult]::new('--expires-in-minutes', '--expires-in-minutes', [CompletionResultType]::ParameterName, 'Minutes the checkout stays open (a whole number, at least 1)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Idempotency key sent as X-Idempotency-Key (8-128 characters; with --batch at most 115, each row sending KEY-ROW). Without it, one is generated for this invocation; reuse the same key to retry a create safely')
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile''s ca_bundle')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Create one checkout per row of FILE (JSON Lines, or CSV with a header of field paths such as amount,customer.email,metadata.order_id); `-` reads stdin. Flags apply to every row as defaults; one JSON line per row is printed, in input order')
            [CompletionResult]::new('--batch-format', '--batch-format', [CompletionResultType]::ParameterName, 'Input format of --batch (default: from the file name, .csv is CSV, else JSON Lines; for stdin, CSV unless the first character is `{`)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many creates run at once (1-64)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never ask a question: report missing fields instead (prompts also stay off when stdin or stderr is not a terminal, or CI is set)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Create with a live key without asking for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Create with a live key without asking for confirmation')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Validate and print the JSON body that would be sent; send nothing, need no key')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each request and answer on stderr (key masked), with timings and retries')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each request and answer on stderr (key masked), with timings and retries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json; errors are then printed as JSON on stderr too')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the checkout URL in the default browser (or $BROWSER)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;checkout;get' {
            [CompletionResult]::new('--max-retries', '--max-retries', [CompletionResultType]::ParameterName, 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]')
            [CompletionResult]::new('--ca-bundle', '--ca-bundle', [CompletionResultType]::ParameterName, 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile''s ca_bundle')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print each request and answer on stderr (key masked), with timings and retries')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print each request and answer on stderr (key masked), with timings and retries')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --output json; errors are then printed as JSON on stderr too')
            [CompletionResult]::new('--qr', '--qr', [CompletionResultType]::ParameterName, 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the checkout URL in the default browser (or $BROWSER)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;checkout;help' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a hosted checkout and print its URL')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Retrieve one checkout by its id and print it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;checkout;help;create' {
            break
        }
        'orqex;checkout;help;get' {
            break
        }
        'orqex;checkout;help;help' {
            break
        }
        'orqex;login' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('--with-key', '--with-key', [CompletionResultType]::ParameterName, 'Read the key from stdin (one line) instead of asking for it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;logout' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;config' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the settings as JSON (keys masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from (the default)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting (same keys as `set`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;config;show' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the settings as JSON (keys masked)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;config;set' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;config;unset' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from (the default)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting (same keys as `set`)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;config;help;show' {
            break
        }
        'orqex;config;help;set' {
            break
        }
        'orqex;config;help;unset' {
            break
        }
        'orqex;config;help;help' {
            break
        }
        'orqex;completions' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;man' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'orqex;help' {
            [CompletionResult]::new('checkout', 'checkout', [CompletionResultType]::ParameterValue, 'Create and inspect hosted checkouts')
            [CompletionResult]::new('login', 'login', [CompletionResultType]::ParameterValue, 'Store a secret key in a profile (typed hidden, or piped with --with-key)')
            [CompletionResult]::new('logout', 'logout', [CompletionResultType]::ParameterValue, 'Remove the secret key from a profile')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from, or change them')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on stdout')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print a man page (roff) on stdout: orqex(1), or a subcommand''s')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'orqex;help;checkout' {
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a hosted checkout and print its URL')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Retrieve one checkout by its id and print it')
            break
        }
        'orqex;help;checkout;create' {
            break
        }
        'orqex;help;checkout;get' {
            break
        }
        'orqex;help;login' {
            break
        }
        'orqex;help;logout' {
            break
        }
        'orqex;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the settings in effect and where each comes from (the default)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a setting (same keys as `set`)')
            break
        }
        'orqex;help;config;show' {
            break
        }
        'orqex;help;config;set' {
            break
        }
        'orqex;help;config;unset' {
            break
        }
        'orqex;help;completions' {
            break
        }
        'orqex;help;man' {
            break
        }
        'orqex;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
