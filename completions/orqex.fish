# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_orqex_global_optspecs
    string join \n profile= h/help V/version
end

function __fish_orqex_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_orqex_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_orqex_using_subcommand
    set -l cmd (__fish_orqex_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c orqex -n "__fish_orqex_needs_command" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orqex -n "__fish_orqex_needs_command" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "checkout" -d 'Create and inspect hosted checkouts'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "login" -d 'Store a secret key in a profile (typed hidden, or piped with --with-key)'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "logout" -d 'Remove the secret key from a profile'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "config" -d 'Show the settings in effect and where each comes from, or change them'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "completions" -d 'Print a shell completion script on stdout'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "man" -d 'Print a man page (roff) on stdout: orqex(1), or a subcommand\'s'
complete -c orqex -n "__fish_orqex_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -f -a "create" -d 'Create a hosted checkout and print its URL'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -f -a "get" -d 'Retrieve one checkout by its id and print it'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and not __fish_seen_subcommand_from create get help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l amount -d 'Amount in major units, as a plain decimal (50 or 12.5); at least 1; sent exactly as typed (required)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l currency -d 'Three-letter ISO 4217 currency code, e.g. XOF, sent uppercase (required, unless the profile has a default currency)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l description -d 'Description shown to the customer on the checkout page (required, at most 500 characters)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l email -l customer-email -d 'Customer\'s email address (required)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l first-name -l customer-first-name -d 'Customer\'s first name (required)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l last-name -l customer-last-name -d 'Customer\'s last name (required)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l address -l customer-address -d 'Customer\'s street address' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l city -l customer-city -d 'Customer\'s city' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l state -l customer-state -d 'Customer\'s state or region' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l country -l customer-country -d 'Customer\'s country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l zip -l customer-zip -d 'Customer\'s postal code' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l return-url -d 'URL the customer returns to after checkout (absolute http(s), at most 2048 characters)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l webhook-url -d 'URL Orqex POSTs this checkout\'s payment events to (absolute http(s), at most 2048 characters)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l statement-descriptor -d 'Text on the customer\'s card statement (at most 22 characters)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l receipt-email -d 'Email address the receipt is sent to (at most 255 characters)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l restrict-country -d 'Only allow payers from this country, ISO 3166-1 alpha-2 (e.g. CI)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l restrict-phone -d 'Only allow this phone number (national format, e.g. 0700000000); needs --restrict-phone-country' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l restrict-phone-country -d 'Country of --restrict-phone, ISO 3166-1 alpha-2 (e.g. CI)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l color -d 'Checkout\'s primary colour, e.g. #1a73e8' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l brand -d 'Label shown on the checkout (defaults to the project\'s name)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s m -l metadata -d 'Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l expires-in-minutes -d 'Minutes the checkout stays open (a whole number, at least 1)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s d -l data -d 'Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l idempotency-key -d 'Idempotency key sent as X-Idempotency-Key (8-128 characters; with --batch at most 115, each row sending KEY-ROW). Without it, one is generated for this invocation; reuse the same key to retry a create safely' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l max-retries -d 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l timeout -d 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l ca-bundle -d 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile\'s ca_bundle' -r -F
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s o -l output -d 'What stdout gets: the checkout URL, its id, the API\'s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]' -r -f -a "url\t'The checkout URL, one line'
id\t'The checkout id, one line'
json\t'The API\'s whole response, pretty-printed'
env\t'ORQEX_CHECKOUT_ID=..., ORQEX_CHECKOUT_URL=..., ORQEX_PAYMENT_ID=..., ORQEX_CHECKOUT_EXPIRES_AT=..., shell-quoted'
status\t'The checkout\'s status word (open, completed, expired, cancelled), one line'"
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l interval -d 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l wait-timeout -d 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l batch -d 'Create one checkout per row of FILE (JSON Lines, or CSV with a header of field paths such as amount,customer.email,metadata.order_id); `-` reads stdin. Flags apply to every row as defaults; one JSON line per row is printed, in input order' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l batch-format -d 'Input format of --batch (default: from the file name, .csv is CSV, else JSON Lines; for stdin, CSV unless the first character is `{`)' -r -f -a "jsonl\t''
csv\t''"
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l concurrency -d 'How many creates run at once (1-64)' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l no-input -d 'Never ask a question: report missing fields instead (prompts also stay off when stdin or stderr is not a terminal, or CI is set)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s y -l yes -d 'Create with a live key without asking for confirmation'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l dry-run -d 'Validate and print the JSON body that would be sent; send nothing, need no key'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s v -l verbose -d 'Print each request and answer on stderr (key masked), with timings and retries'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l json -d 'Same as --output json; errors are then printed as JSON on stderr too'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l qr -d 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l open -d 'Open the checkout URL in the default browser (or $BROWSER)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -l wait -d 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l max-retries -d 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l timeout -d 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l ca-bundle -d 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile\'s ca_bundle' -r -F
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -s o -l output -d 'What stdout gets: the checkout URL, its id, the API\'s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]' -r -f -a "url\t'The checkout URL, one line'
id\t'The checkout id, one line'
json\t'The API\'s whole response, pretty-printed'
env\t'ORQEX_CHECKOUT_ID=..., ORQEX_CHECKOUT_URL=..., ORQEX_PAYMENT_ID=..., ORQEX_CHECKOUT_EXPIRES_AT=..., shell-quoted'
status\t'The checkout\'s status word (open, completed, expired, cancelled), one line'"
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l interval -d 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l wait-timeout -d 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -s v -l verbose -d 'Print each request and answer on stderr (key masked), with timings and retries'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l json -d 'Same as --output json; errors are then printed as JSON on stderr too'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l qr -d 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l open -d 'Open the checkout URL in the default browser (or $BROWSER)'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -l wait -d 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a hosted checkout and print its URL'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from help" -f -a "get" -d 'Retrieve one checkout by its id and print it'
complete -c orqex -n "__fish_orqex_using_subcommand checkout; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand login" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand login" -l with-key -d 'Read the key from stdin (one line) instead of asking for it'
complete -c orqex -n "__fish_orqex_using_subcommand login" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand login" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand logout" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand logout" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand logout" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -l json -d 'Print the settings as JSON (keys masked)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -f -a "show" -d 'Show the settings in effect and where each comes from (the default)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -f -a "set" -d 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -f -a "unset" -d 'Remove a setting (same keys as `set`)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and not __fish_seen_subcommand_from show set unset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print the settings as JSON (keys masked)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from set" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from unset" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the settings in effect and where each comes from (the default)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove a setting (same keys as `set`)'
complete -c orqex -n "__fish_orqex_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand completions" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand completions" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand completions" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand man" -l profile -d 'Config profile to use (default: the config file\'s default_profile, else "default"). Also ORQEX_PROFILE' -r
complete -c orqex -n "__fish_orqex_using_subcommand man" -s h -l help -d 'Print help'
complete -c orqex -n "__fish_orqex_using_subcommand man" -s V -l version -d 'Print version'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "checkout" -d 'Create and inspect hosted checkouts'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "login" -d 'Store a secret key in a profile (typed hidden, or piped with --with-key)'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "logout" -d 'Remove the secret key from a profile'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "config" -d 'Show the settings in effect and where each comes from, or change them'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "completions" -d 'Print a shell completion script on stdout'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "man" -d 'Print a man page (roff) on stdout: orqex(1), or a subcommand\'s'
complete -c orqex -n "__fish_orqex_using_subcommand help; and not __fish_seen_subcommand_from checkout login logout config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c orqex -n "__fish_orqex_using_subcommand help; and __fish_seen_subcommand_from checkout" -f -a "create" -d 'Create a hosted checkout and print its URL'
complete -c orqex -n "__fish_orqex_using_subcommand help; and __fish_seen_subcommand_from checkout" -f -a "get" -d 'Retrieve one checkout by its id and print it'
complete -c orqex -n "__fish_orqex_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show the settings in effect and where each comes from (the default)'
complete -c orqex -n "__fish_orqex_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set" -d 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
complete -c orqex -n "__fish_orqex_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a setting (same keys as `set`)'
