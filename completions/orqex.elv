
use builtin;
use str;

set edit:completion:arg-completer[orqex] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'orqex'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'orqex'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand checkout 'Create and inspect hosted checkouts'
            cand login 'Store a secret key in a profile (typed hidden, or piped with --with-key)'
            cand logout 'Remove the secret key from a profile'
            cand config 'Show the settings in effect and where each comes from, or change them'
            cand completions 'Print a shell completion script on stdout'
            cand man 'Print a man page (roff) on stdout: orqex(1), or a subcommand''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;checkout'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand create 'Create a hosted checkout and print its URL'
            cand get 'Retrieve one checkout by its id and print it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;checkout;create'= {
            cand --amount 'Amount in major units, as a plain decimal (50 or 12.5); at least 1; sent exactly as typed (required)'
            cand --currency 'Three-letter ISO 4217 currency code, e.g. XOF, sent uppercase (required, unless the profile has a default currency)'
            cand --description 'Description shown to the customer on the checkout page (required, at most 500 characters)'
            cand --email 'Customer''s email address (required)'
            cand --customer-email 'Customer''s email address (required)'
            cand --first-name 'Customer''s first name (required)'
            cand --customer-first-name 'Customer''s first name (required)'
            cand --last-name 'Customer''s last name (required)'
            cand --customer-last-name 'Customer''s last name (required)'
            cand --address 'Customer''s street address'
            cand --customer-address 'Customer''s street address'
            cand --city 'Customer''s city'
            cand --customer-city 'Customer''s city'
            cand --state 'Customer''s state or region'
            cand --customer-state 'Customer''s state or region'
            cand --country 'Customer''s country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)'
            cand --customer-country 'Customer''s country, ISO 3166-1 alpha-2 (e.g. CI, SN, GH)'
            cand --zip 'Customer''s postal code'
            cand --customer-zip 'Customer''s postal code'
            cand --return-url 'URL the customer returns to after checkout (absolute http(s), at most 2048 characters)'
            cand --webhook-url 'URL Orqex POSTs this checkout''s payment events to (absolute http(s), at most 2048 characters)'
            cand --statement-descriptor 'Text on the customer''s card statement (at most 22 characters)'
            cand --receipt-email 'Email address the receipt is sent to (at most 255 characters)'
            cand --restrict-country 'Only allow payers from this country, ISO 3166-1 alpha-2 (e.g. CI)'
            cand --restrict-phone 'Only allow this phone number (national format, e.g. 0700000000); needs --restrict-phone-country'
            cand --restrict-phone-country 'Country of --restrict-phone, ISO 3166-1 alpha-2 (e.g. CI)'
            cand --color 'Checkout''s primary colour, e.g. #1a73e8'
            cand --brand 'Label shown on the checkout (defaults to the project''s name)'
            cand -m 'Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)'
            cand --metadata 'Metadata entry KEY=VALUE, stored on the payment; repeat for more (at most 10 keys)'
            cand --expires-in-minutes 'Minutes the checkout stays open (a whole number, at least 1)'
            cand -d 'Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read'
            cand --data 'Request body as JSON: @FILE reads a file, - reads stdin, and text starting with { is the JSON itself. Flags override its fields one by one. Without --data, a piped stdin is read'
            cand --idempotency-key 'Idempotency key sent as X-Idempotency-Key (8-128 characters; with --batch at most 115, each row sending KEY-ROW). Without it, one is generated for this invocation; reuse the same key to retry a create safely'
            cand --max-retries 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]'
            cand --timeout 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]'
            cand --ca-bundle 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile''s ca_bundle'
            cand -o 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]'
            cand --output 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]'
            cand --interval 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]'
            cand --wait-timeout 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]'
            cand --batch 'Create one checkout per row of FILE (JSON Lines, or CSV with a header of field paths such as amount,customer.email,metadata.order_id); `-` reads stdin. Flags apply to every row as defaults; one JSON line per row is printed, in input order'
            cand --batch-format 'Input format of --batch (default: from the file name, .csv is CSV, else JSON Lines; for stdin, CSV unless the first character is `{`)'
            cand --concurrency 'How many creates run at once (1-64)'
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand --no-input 'Never ask a question: report missing fields instead (prompts also stay off when stdin or stderr is not a terminal, or CI is set)'
            cand -y 'Create with a live key without asking for confirmation'
            cand --yes 'Create with a live key without asking for confirmation'
            cand --dry-run 'Validate and print the JSON body that would be sent; send nothing, need no key'
            cand -v 'Print each request and answer on stderr (key masked), with timings and retries'
            cand --verbose 'Print each request and answer on stderr (key masked), with timings and retries'
            cand --json 'Same as --output json; errors are then printed as JSON on stderr too'
            cand --qr 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)'
            cand --open 'Open the checkout URL in the default browser (or $BROWSER)'
            cand --wait 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;checkout;get'= {
            cand --max-retries 'Retries after a failure that may pass (connection, timeout, 429, 5xx but 501), each the same request (a create keeps its idempotency key and body); 0 disables, at most 10 [default: 2]'
            cand --timeout 'Seconds one attempt may take in all, answer included (1-3600; connecting alone is limited to 10) [default: 30]'
            cand --ca-bundle 'PEM file of CA certificates to trust besides the built-in ones (private deployment, corporate proxy). Also ORQEX_CA_BUNDLE, then the profile''s ca_bundle'
            cand -o 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]'
            cand --output 'What stdout gets: the checkout URL, its id, the API''s whole response as JSON, ORQEX_* shell variables (env), or its status word [default: url]'
            cand --interval 'Time between checks while waiting: seconds (3, 0.5) or with units (500ms, 10s, 1m30s) [default: 3s]'
            cand --wait-timeout 'Give up waiting after this long (exit 8): seconds or with units (90, 30m, 1h30m) [default: 15m]'
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -v 'Print each request and answer on stderr (key masked), with timings and retries'
            cand --verbose 'Print each request and answer on stderr (key masked), with timings and retries'
            cand --json 'Same as --output json; errors are then printed as JSON on stderr too'
            cand --qr 'Show the checkout URL as a QR code in the terminal (on stderr when stdout is not a terminal)'
            cand --open 'Open the checkout URL in the default browser (or $BROWSER)'
            cand --wait 'Wait until the checkout is paid, expires, is cancelled or fails; exit 0 only when paid'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;checkout;help'= {
            cand create 'Create a hosted checkout and print its URL'
            cand get 'Retrieve one checkout by its id and print it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;checkout;help;create'= {
        }
        &'orqex;checkout;help;get'= {
        }
        &'orqex;checkout;help;help'= {
        }
        &'orqex;login'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand --with-key 'Read the key from stdin (one line) instead of asking for it'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;logout'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;config'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand --json 'Print the settings as JSON (keys masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show the settings in effect and where each comes from (the default)'
            cand set 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
            cand unset 'Remove a setting (same keys as `set`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;config;show'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand --json 'Print the settings as JSON (keys masked)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;config;set'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;config;unset'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;config;help'= {
            cand show 'Show the settings in effect and where each comes from (the default)'
            cand set 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
            cand unset 'Remove a setting (same keys as `set`)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;config;help;show'= {
        }
        &'orqex;config;help;set'= {
        }
        &'orqex;config;help;unset'= {
        }
        &'orqex;config;help;help'= {
        }
        &'orqex;completions'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;man'= {
            cand --profile 'Config profile to use (default: the config file''s default_profile, else "default"). Also ORQEX_PROFILE'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'orqex;help'= {
            cand checkout 'Create and inspect hosted checkouts'
            cand login 'Store a secret key in a profile (typed hidden, or piped with --with-key)'
            cand logout 'Remove the secret key from a profile'
            cand config 'Show the settings in effect and where each comes from, or change them'
            cand completions 'Print a shell completion script on stdout'
            cand man 'Print a man page (roff) on stdout: orqex(1), or a subcommand''s'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'orqex;help;checkout'= {
            cand create 'Create a hosted checkout and print its URL'
            cand get 'Retrieve one checkout by its id and print it'
        }
        &'orqex;help;checkout;create'= {
        }
        &'orqex;help;checkout;get'= {
        }
        &'orqex;help;login'= {
        }
        &'orqex;help;logout'= {
        }
        &'orqex;help;config'= {
            cand show 'Show the settings in effect and where each comes from (the default)'
            cand set 'Set a setting: default-profile, or currency, base-url, ca-bundle of the active profile'
            cand unset 'Remove a setting (same keys as `set`)'
        }
        &'orqex;help;config;show'= {
        }
        &'orqex;help;config;set'= {
        }
        &'orqex;help;config;unset'= {
        }
        &'orqex;help;completions'= {
        }
        &'orqex;help;man'= {
        }
        &'orqex;help;help'= {
        }
    ]
    $completions[$command]
}
