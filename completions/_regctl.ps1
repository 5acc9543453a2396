
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'regctl' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'regctl'
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
        'regctl' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the registry')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart the registry (it also reloads certificates and users by itself)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the registry''s log')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Add, remove and list the registry''s users; the running registry picks changes up without a restart')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Issue, inspect, renew and rotate TLS certificates')
            [CompletionResult]::new('htpasswd', 'htpasswd', [CompletionResultType]::ParameterValue, 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Make clients trust the registry''s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it')
            [CompletionResult]::new('image', 'image', [CompletionResultType]::ParameterValue, 'Package the bundled registry as a container image (`FROM scratch`)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find out why a client cannot use a registry, and how to fix it')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check that a registry answers 2xx/3xx on URL (container health checks)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the bundled OCI registry (reads distribution''s config.yml)')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove unreferenced manifests, links and blobs; safe while the registry runs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (or write all of them to a directory)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write one per command to a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;init' {
            [CompletionResult]::new('--answers', '--answers', [CompletionResultType]::ParameterName, 'Replay an answers file [default: DIR/regctl.yaml when it exists]')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Where the registry runs')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A host name or IP address clients use (repeatable); the first is the registry''s address [default: a name or address other machines reach, then this machine''s other addresses, localhost, 127.0.0.1]')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'A host name or IP address clients use (repeatable); the first is the registry''s address [default: a name or address other machines reach, then this machine''s other addresses, localhost, 127.0.0.1]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port clients connect to [default: 5000]')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'How clients come to trust the registry')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'An htpasswd user (repeatable) [default: admin]. Users already in regctl.yaml stay; manage them later with `regctl user`')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'An htpasswd user (repeatable) [default: admin]. Users already in regctl.yaml stay; manage them later with `regctl user`')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Data directory, relative to DIR [default: data]')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Volume size for Kubernetes [default: 20Gi]')
            [CompletionResult]::new('--gc-schedule', '--gc-schedule', [CompletionResultType]::ParameterName, 'Garbage collection schedule (5-field cron) [default: "0 3 * * 0"]')
            [CompletionResult]::new('--engine', '--engine', [CompletionResultType]::ParameterName, 'Which server runs in containers')
            [CompletionResult]::new('--image', '--image', [CompletionResultType]::ParameterName, 'Container image to run instead of the engine''s default (regctl:VERSION, built by `regctl image build`, or registry:2.8.3)')
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Replicas (Kubernetes; more than 1 needs a ReadWriteMany volume)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Kubernetes namespace [default: registry]')
            [CompletionResult]::new('--ingress-host', '--ingress-host', [CompletionResultType]::ParameterName, 'Ingress host name (Kubernetes); no Ingress when unset')
            [CompletionResult]::new('--service-type', '--service-type', [CompletionResultType]::ParameterName, 'Kubernetes Service type')
            [CompletionResult]::new('--node-port', '--node-port', [CompletionResultType]::ParameterName, 'The NodePort (30000-32767) for --service-type NodePort [default: derived from --port]')
            [CompletionResult]::new('--allow-from', '--allow-from', [CompletionResultType]::ParameterName, 'Only these networks (CIDRs) may reach the registry through the Ingress and a NetworkPolicy (repeatable, Kubernetes)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'A trust store on this machine to install the CA into (repeatable), or `none`; recorded, so later runs use the same stores [default on a first run: the stores found here]')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubectl context [default: the kubeconfig''s current one]')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'kubeconfig file for kubectl [default: kubectl''s own choice]')
            [CompletionResult]::new('--signer', '--signer', [CompletionResultType]::ParameterName, 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]')
            [CompletionResult]::new('--node-name', '--node-name', [CompletionResultType]::ParameterName, 'The node name in a kubelet-serving subject [default: this machine''s name]')
            [CompletionResult]::new('--csr-timeout', '--csr-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the signature after this many seconds [default: 300]')
            [CompletionResult]::new('--signer-ca', '--signer-ca', [CompletionResultType]::ParameterName, 'The CA that signs for the signer [default: the kubeconfig''s cluster CA, inline or by file]; required when the kubeconfig names none')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'Your server certificate (PEM, full chain allowed), with --tls provided')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'The private key of --cert')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA clients trust: the one that signed --cert, or with --tls kubernetes-csr the signer''s CA (as --signer-ca)')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the server certificate, in days (Apple clients reject more than 825)')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Stage trust changes under this directory instead of the real host')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates overriding the built-in ones')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Accept the default of every question that was not answered by a flag')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Accept the default of every question that was not answered by a flag')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (files with modes, commands, trust stores, services); change nothing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files that would change without asking (the CA is still kept)')
            [CompletionResult]::new('--new-ca', '--new-ca', [CompletionResultType]::ParameterName, 'Create a new CA even though one exists; every client must then trust it (`regctl cert rotate-ca` does this without a gap)')
            [CompletionResult]::new('--no-delete', '--no-delete', [CompletionResultType]::ParameterName, 'Refuse deletes (the API answers 405; GC then only removes untagged uploads)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'Redis blob-descriptor cache (distribution engine)')
            [CompletionResult]::new('--pin-control-plane', '--pin-control-plane', [CompletionResultType]::ParameterName, 'Pin the registry to control-plane nodes (single-node clusters)')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Approve the request yourself (needs RBAC to approve for the signer)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('--generate-password', '--generate-password', [CompletionResultType]::ParameterName, 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)')
            [CompletionResult]::new('--no-start', '--no-start', [CompletionResultType]::ParameterName, 'Write everything but do not start the registry (or run kubectl)')
            [CompletionResult]::new('--no-self-test', '--no-self-test', [CompletionResultType]::ParameterName, 'Skip the push/pull self-test')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Kubernetes: run `kubectl apply -k DIR/k8s`')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;start' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;stop' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;restart' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;status' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;logs' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'How many lines from the end')
            [CompletionResult]::new('--lines', '--lines', [CompletionResultType]::ParameterName, 'How many lines from the end')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new lines as they come (Ctrl-C to stop)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines as they come (Ctrl-C to stop)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;user' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a user''s password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user; their logins are refused from the next request on')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;user;add' {
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('--generate-password', '--generate-password', [CompletionResultType]::ParameterName, 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;user;passwd' {
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('--generate-password', '--generate-password', [CompletionResultType]::ParameterName, 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;user;remove' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;user;list' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;user;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a user''s password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user; their logins are refused from the next request on')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;user;help;add' {
            break
        }
        'regctl;user;help;passwd' {
            break
        }
        'regctl;user;help;remove' {
            break
        }
        'regctl;user;help;list' {
            break
        }
        'regctl;user;help;help' {
            break
        }
        'regctl;cert' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Create (or reuse) the local CA and issue the registry''s server certificate')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a certificate and explain every problem clients would hit')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Reissue the server certificate with the same names before it expires; the running registry serves it at once')
            [CompletionResult]::new('rotate-ca', 'rotate-ca', [CompletionResultType]::ParameterValue, 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;cert;issue' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'A DNS name or IP address clients use (repeatable); the first DNS name is also the Common Name [default: the hosts in regctl.yaml]')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'A DNS name or IP address clients use (repeatable); the first DNS name is also the Common Name [default: the hosts in regctl.yaml]')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the server certificate, in days (Apple clients reject more than 825)')
            [CompletionResult]::new('--ca-days', '--ca-days', [CompletionResultType]::ParameterName, 'Validity of a new CA, in days')
            [CompletionResult]::new('--ca-name', '--ca-name', [CompletionResultType]::ParameterName, 'Common Name of a new CA [default: "regctl CA (HOSTNAME) ID"]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Sign with an existing CA certificate instead of regctl''s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster''s CA for --kubernetes is --signer-ca')
            [CompletionResult]::new('--ca-key', '--ca-key', [CompletionResultType]::ParameterName, 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)')
            [CompletionResult]::new('--signer', '--signer', [CompletionResultType]::ParameterName, 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]')
            [CompletionResult]::new('--node-name', '--node-name', [CompletionResultType]::ParameterName, 'The node name in a kubelet-serving subject [default: this machine''s name]')
            [CompletionResult]::new('--csr-timeout', '--csr-timeout', [CompletionResultType]::ParameterName, 'Give up waiting for the signature after this many seconds [default: 300]')
            [CompletionResult]::new('--signer-ca', '--signer-ca', [CompletionResultType]::ParameterName, 'The CA that signs for the signer [default: the kubeconfig''s cluster CA, inline or by file]; required when the kubeconfig names none')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'kubectl context [default: the kubeconfig''s current one]')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'kubeconfig file for kubectl [default: kubectl''s own choice]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--no-host-ips', '--no-host-ips', [CompletionResultType]::ParameterName, 'Leave out this machine''s host name and non-loopback addresses (added by default when no regctl.yaml names the hosts, like `hostname -I`)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace existing server certificate and key files (the CA is kept)')
            [CompletionResult]::new('--new-ca', '--new-ca', [CompletionResultType]::ParameterName, 'Create a new CA even though one exists (with --force); every client must then trust the new one')
            [CompletionResult]::new('--kubernetes', '--kubernetes', [CompletionResultType]::ParameterName, 'Have the Kubernetes cluster sign through a CertificateSigningRequest (kubectl); certs/ca.crt becomes the signer''s CA')
            [CompletionResult]::new('--approve', '--approve', [CompletionResultType]::ParameterName, 'Approve the request yourself (needs RBAC to approve for the signer)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;cert;inspect' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The host name or IP clients dial (with or without :port)')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'CA certificate(s) the chain must verify against')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key that must match the certificate')
            [CompletionResult]::new('--role', '--role', [CompletionResultType]::ParameterName, 'What the certificate is for; `auto` treats a CA:TRUE certificate as a CA unless --host or --key is given')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;cert;renew' {
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the new certificate, in days')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Sign with an existing CA certificate instead of regctl''s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster''s CA for --kubernetes is --signer-ca')
            [CompletionResult]::new('--ca-key', '--ca-key', [CompletionResultType]::ParameterName, 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;cert;rotate-ca' {
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Validity of the server certificate, in days (Apple clients reject more than 825)')
            [CompletionResult]::new('--ca-days', '--ca-days', [CompletionResultType]::ParameterName, 'Validity of the new CA, in days')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Stage trust changes under this directory instead of the real host')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--prepare', '--prepare', [CompletionResultType]::ParameterName, 'Stop once both CAs are trusted here, leaving certs/ca.rotation-bundle.crt for other machines; run again to switch')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;cert;help' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Create (or reuse) the local CA and issue the registry''s server certificate')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a certificate and explain every problem clients would hit')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Reissue the server certificate with the same names before it expires; the running registry serves it at once')
            [CompletionResult]::new('rotate-ca', 'rotate-ca', [CompletionResultType]::ParameterValue, 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;cert;help;issue' {
            break
        }
        'regctl;cert;help;inspect' {
            break
        }
        'regctl;cert;help;renew' {
            break
        }
        'regctl;cert;help;rotate-ca' {
            break
        }
        'regctl;cert;help;help' {
            break
        }
        'regctl;htpasswd' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user, or change their password (bcrypt `$2y$`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a user''s password as the registry would (exit 1 if it does not match)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users and their hash schemes; non-bcrypt entries are flagged')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;htpasswd;add' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The htpasswd file [default: DIR/auth/htpasswd]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--cost', '--cost', [CompletionResultType]::ParameterName, 'bcrypt cost (4-31); each step doubles the work per login')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;htpasswd;remove' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The htpasswd file [default: DIR/auth/htpasswd]')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;htpasswd;verify' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The htpasswd file [default: DIR/auth/htpasswd]')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;htpasswd;list' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;htpasswd;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user, or change their password (bcrypt `$2y$`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a user''s password as the registry would (exit 1 if it does not match)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users and their hash schemes; non-bcrypt entries are flagged')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;htpasswd;help;add' {
            break
        }
        'regctl;htpasswd;help;remove' {
            break
        }
        'regctl;htpasswd;help;verify' {
            break
        }
        'regctl;htpasswd;help;list' {
            break
        }
        'regctl;htpasswd;help;help' {
            break
        }
        'regctl;render' {
            [CompletionResult]::new('--answers', '--answers', [CompletionResultType]::ParameterName, 'The answers file [default: DIR/regctl.yaml]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output directory [default: the registry directory]')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Output directory [default: the registry directory]')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Directory of templates overriding the built-in ones (same names)')
            [CompletionResult]::new('--pull-user', '--pull-user', [CompletionResultType]::ParameterName, 'User for the Kubernetes image pull Secret (password from --pull-password-stdin or --pull-password-env; kept 0600 in DIR/auth/pull-credentials so later renders keep the Secret)')
            [CompletionResult]::new('--pull-password-env', '--pull-password-env', [CompletionResultType]::ParameterName, 'Read the pull Secret''s password from this environment variable')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace files edited by hand since regctl wrote them')
            [CompletionResult]::new('--pull-password-stdin', '--pull-password-stdin', [CompletionResultType]::ParameterName, 'Read the pull Secret''s password from stdin')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;trust' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove exactly what install added (from the ledger in DIR)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show, per store, whether the CA is installed and matches')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;trust;install' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA certificate [default: DIR/certs/ca.crt]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each file and command; change nothing')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE')
            [CompletionResult]::new('--per-user', '--per-user', [CompletionResultType]::ParameterName, 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;trust;uninstall' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA certificate [default: DIR/certs/ca.crt]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each file and command; change nothing')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE')
            [CompletionResult]::new('--per-user', '--per-user', [CompletionResultType]::ParameterName, 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;trust;status' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA certificate [default: DIR/certs/ca.crt]')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print each file and command; change nothing')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE')
            [CompletionResult]::new('--per-user', '--per-user', [CompletionResultType]::ParameterName, 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;trust;help' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove exactly what install added (from the ledger in DIR)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show, per store, whether the CA is installed and matches')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;trust;help;install' {
            break
        }
        'regctl;trust;help;uninstall' {
            break
        }
        'regctl;trust;help;status' {
            break
        }
        'regctl;trust;help;help' {
            break
        }
        'regctl;image' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;image;build' {
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'The image tag')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The regctl binary to package [default: this one]. For the smallest image build it static: RUSTFLAGS=''-C target-feature=+crt-static'' cargo build --release')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Write the build context (Dockerfile and rootfs) here and stop')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;image;save' {
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'The image name in the archive')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'The regctl binary to package [default: this one]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the archive here instead of to standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the archive here instead of to standard output')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;image;help' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;image;help;build' {
            break
        }
        'regctl;image;help;save' {
            break
        }
        'regctl;image;help;help' {
            break
        }
        'regctl;doctor' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User to test login and push with')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User to test login and push with')
            [CompletionResult]::new('--password-env', '--password-env', [CompletionResultType]::ParameterName, 'Read the password from this environment variable')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'The CA the certificate should chain to [default: DIR/certs/ca.crt when the registry is DIR''s]')
            [CompletionResult]::new('--push-test', '--push-test', [CompletionResultType]::ParameterName, 'Size of the chunked push test (e.g. 64M, 1G; 0 to skip)')
            [CompletionResult]::new('--htpasswd', '--htpasswd', [CompletionResultType]::ParameterName, 'The registry''s htpasswd file, to explain a refused login [default: DIR/auth/htpasswd when it exists]')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The registry''s config.yml, to validate [default: DIR/config.yml when it exists]')
            [CompletionResult]::new('--root', '--root', [CompletionResultType]::ParameterName, 'Look for client configuration under this directory instead of /')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from stdin (one line)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;probe' {
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'CA certificate to verify https against')
            [CompletionResult]::new('--connect', '--connect', [CompletionResultType]::ParameterName, 'Dial this address instead of the URL''s host; the certificate is still checked for the URL''s host')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this many seconds')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;serve' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file (same as the positional argument)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--check-config', '--check-config', [CompletionResultType]::ParameterName, 'Validate the configuration, print it with secrets masked, and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;gc' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'The registry''s config.yml [default: $REGISTRY_CONFIGURATION_PATH, else DIR/config.yml]')
            [CompletionResult]::new('--min-age', '--min-age', [CompletionResultType]::ParameterName, 'Keep anything modified more recently than this (pushes in progress)')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Report what would be removed; change nothing')
            [CompletionResult]::new('--delete-untagged', '--delete-untagged', [CompletionResultType]::ParameterName, 'Also remove manifests no tag reaches (index children, referrers of kept manifests and their blobs are kept)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;completions' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write scripts for every shell into this directory instead')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;man' {
            [CompletionResult]::new('--out-dir', '--out-dir', [CompletionResultType]::ParameterName, 'Write regctl.1 and one page per command (regctl-cert-issue.1, ...) into this directory instead of printing regctl.1')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'regctl;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the registry')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart the registry (it also reloads certificates and users by itself)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Show the registry''s log')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Add, remove and list the registry''s users; the running registry picks changes up without a restart')
            [CompletionResult]::new('cert', 'cert', [CompletionResultType]::ParameterValue, 'Issue, inspect, renew and rotate TLS certificates')
            [CompletionResult]::new('htpasswd', 'htpasswd', [CompletionResultType]::ParameterValue, 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml')
            [CompletionResult]::new('trust', 'trust', [CompletionResultType]::ParameterValue, 'Make clients trust the registry''s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it')
            [CompletionResult]::new('image', 'image', [CompletionResultType]::ParameterValue, 'Package the bundled registry as a container image (`FROM scratch`)')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Find out why a client cannot use a registry, and how to fix it')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Check that a registry answers 2xx/3xx on URL (container health checks)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the bundled OCI registry (reads distribution''s config.yml)')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Remove unreferenced manifests, links and blobs; safe while the registry runs')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script (or write all of them to a directory)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff), or write one per command to a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'regctl;help;init' {
            break
        }
        'regctl;help;start' {
            break
        }
        'regctl;help;stop' {
            break
        }
        'regctl;help;restart' {
            break
        }
        'regctl;help;status' {
            break
        }
        'regctl;help;logs' {
            break
        }
        'regctl;help;user' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)')
            [CompletionResult]::new('passwd', 'passwd', [CompletionResultType]::ParameterValue, 'Change a user''s password')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user; their logins are refused from the next request on')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the users')
            break
        }
        'regctl;help;user;add' {
            break
        }
        'regctl;help;user;passwd' {
            break
        }
        'regctl;help;user;remove' {
            break
        }
        'regctl;help;user;list' {
            break
        }
        'regctl;help;cert' {
            [CompletionResult]::new('issue', 'issue', [CompletionResultType]::ParameterValue, 'Create (or reuse) the local CA and issue the registry''s server certificate')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show a certificate and explain every problem clients would hit')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Reissue the server certificate with the same names before it expires; the running registry serves it at once')
            [CompletionResult]::new('rotate-ca', 'rotate-ca', [CompletionResultType]::ParameterValue, 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed')
            break
        }
        'regctl;help;cert;issue' {
            break
        }
        'regctl;help;cert;inspect' {
            break
        }
        'regctl;help;cert;renew' {
            break
        }
        'regctl;help;cert;rotate-ca' {
            break
        }
        'regctl;help;htpasswd' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a user, or change their password (bcrypt `$2y$`)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a user')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a user''s password as the registry would (exit 1 if it does not match)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List users and their hash schemes; non-bcrypt entries are flagged')
            break
        }
        'regctl;help;htpasswd;add' {
            break
        }
        'regctl;help;htpasswd;remove' {
            break
        }
        'regctl;help;htpasswd;verify' {
            break
        }
        'regctl;help;htpasswd;list' {
            break
        }
        'regctl;help;render' {
            break
        }
        'regctl;help;trust' {
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use')
            [CompletionResult]::new('uninstall', 'uninstall', [CompletionResultType]::ParameterValue, 'Remove exactly what install added (from the ledger in DIR)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show, per store, whether the CA is installed and matches')
            break
        }
        'regctl;help;trust;install' {
            break
        }
        'regctl;help;trust;uninstall' {
            break
        }
        'regctl;help;trust;status' {
            break
        }
        'regctl;help;image' {
            [CompletionResult]::new('build', 'build', [CompletionResultType]::ParameterValue, 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml')
            [CompletionResult]::new('save', 'save', [CompletionResultType]::ParameterValue, 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere')
            break
        }
        'regctl;help;image;build' {
            break
        }
        'regctl;help;image;save' {
            break
        }
        'regctl;help;doctor' {
            break
        }
        'regctl;help;probe' {
            break
        }
        'regctl;help;serve' {
            break
        }
        'regctl;help;gc' {
            break
        }
        'regctl;help;completions' {
            break
        }
        'regctl;help;man' {
            break
        }
        'regctl;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
