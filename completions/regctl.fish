# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_regctl_global_optspecs
    string join \n dir= h/help V/version
end

function __fish_regctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_regctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_regctl_using_subcommand
    set -l cmd (__fish_regctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c regctl -n "__fish_regctl_needs_command" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_needs_command" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_needs_command" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "init" -d 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "start" -d 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "stop" -d 'Stop the registry'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "restart" -d 'Restart the registry (it also reloads certificates and users by itself)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "status" -d 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "logs" -d 'Show the registry\'s log'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "user" -d 'Add, remove and list the registry\'s users; the running registry picks changes up without a restart'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "cert" -d 'Issue, inspect, renew and rotate TLS certificates'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "htpasswd" -d 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "render" -d 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "trust" -d 'Make clients trust the registry\'s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "image" -d 'Package the bundled registry as a container image (`FROM scratch`)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "doctor" -d 'Find out why a client cannot use a registry, and how to fix it'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "probe" -d 'Check that a registry answers 2xx/3xx on URL (container health checks)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "serve" -d 'Run the bundled OCI registry (reads distribution\'s config.yml)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "gc" -d 'Remove unreferenced manifests, links and blobs; safe while the registry runs'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "completions" -d 'Print a shell completion script (or write all of them to a directory)'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "man" -d 'Print the man page (roff), or write one per command to a directory'
complete -c regctl -n "__fish_regctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l answers -d 'Replay an answers file [default: DIR/regctl.yaml when it exists]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l target -d 'Where the registry runs' -r -f -a "local\t'The bundled `regctl serve` on this machine'
compose\t'docker compose'
kubernetes\t'Kubernetes manifests (applied with --apply)'"
complete -c regctl -n "__fish_regctl_using_subcommand init" -l host -l san -d 'A host name or IP address clients use (repeatable); the first is the registry\'s address [default: a name or address other machines reach, then this machine\'s other addresses, localhost, 127.0.0.1]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l port -d 'Port clients connect to [default: 5000]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l tls -d 'How clients come to trust the registry' -r -f -a "own-ca\t'regctl\'s own CA (the default)'
provided\t'Your certificate, key and CA (--cert, --key, --ca)'
kubernetes-csr\t'Signed by the cluster through a CertificateSigningRequest'
none\t'Plain HTTP: every client must list the registry as insecure'"
complete -c regctl -n "__fish_regctl_using_subcommand init" -s u -l user -d 'An htpasswd user (repeatable) [default: admin]. Users already in regctl.yaml stay; manage them later with `regctl user`' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l data-dir -d 'Data directory, relative to DIR [default: data]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l size -d 'Volume size for Kubernetes [default: 20Gi]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l gc-schedule -d 'Garbage collection schedule (5-field cron) [default: "0 3 * * 0"]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l engine -d 'Which server runs in containers' -r -f -a "bundled\t'The `regctl serve` image'
distribution\t'distribution (`registry:2.8.3` or `registry:3`)'"
complete -c regctl -n "__fish_regctl_using_subcommand init" -l image -d 'Container image to run instead of the engine\'s default (regctl:VERSION, built by `regctl image build`, or registry:2.8.3)' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l replicas -d 'Replicas (Kubernetes; more than 1 needs a ReadWriteMany volume)' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l namespace -d 'Kubernetes namespace [default: registry]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l ingress-host -d 'Ingress host name (Kubernetes); no Ingress when unset' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l service-type -d 'Kubernetes Service type' -r -f -a "ClusterIP\t''
NodePort\t''
LoadBalancer\t''"
complete -c regctl -n "__fish_regctl_using_subcommand init" -l node-port -d 'The NodePort (30000-32767) for --service-type NodePort [default: derived from --port]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l allow-from -d 'Only these networks (CIDRs) may reach the registry through the Ingress and a NetworkPolicy (repeatable, Kubernetes)' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l store -d 'A trust store on this machine to install the CA into (repeatable), or `none`; recorded, so later runs use the same stores [default on a first run: the stores found here]' -r -f -a "none\t''
system\t''
docker\t''
containerd\t''
podman\t''
nss\t''
java\t''
macos\t''
windows\t''"
complete -c regctl -n "__fish_regctl_using_subcommand init" -l context -d 'kubectl context [default: the kubeconfig\'s current one]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l kubeconfig -d 'kubeconfig file for kubectl [default: kubectl\'s own choice]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l signer -d 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l node-name -d 'The node name in a kubelet-serving subject [default: this machine\'s name]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l csr-timeout -d 'Give up waiting for the signature after this many seconds [default: 300]' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l signer-ca -d 'The CA that signs for the signer [default: the kubeconfig\'s cluster CA, inline or by file]; required when the kubeconfig names none' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l cert -d 'Your server certificate (PEM, full chain allowed), with --tls provided' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l key -d 'The private key of --cert' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l ca -d 'The CA clients trust: the one that signed --cert, or with --tls kubernetes-csr the signer\'s CA (as --signer-ca)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l key-type -d 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l days -d 'Validity of the server certificate, in days (Apple clients reject more than 825)' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand init" -l root -d 'Stage trust changes under this directory instead of the real host' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l templates -d 'Directory of templates overriding the built-in ones' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand init" -s y -l yes -d 'Accept the default of every question that was not answered by a flag'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l dry-run -d 'Print the plan (files with modes, commands, trust stores, services); change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l force -d 'Replace files that would change without asking (the CA is still kept)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l new-ca -d 'Create a new CA even though one exists; every client must then trust it (`regctl cert rotate-ca` does this without a gap)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l no-delete -d 'Refuse deletes (the API answers 405; GC then only removes untagged uploads)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l redis -d 'Redis blob-descriptor cache (distribution engine)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l pin-control-plane -d 'Pin the registry to control-plane nodes (single-node clusters)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l approve -d 'Approve the request yourself (needs RBAC to approve for the signer)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l generate-password -d 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l no-start -d 'Write everything but do not start the registry (or run kubectl)'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l no-self-test -d 'Skip the push/pull self-test'
complete -c regctl -n "__fish_regctl_using_subcommand init" -l apply -d 'Kubernetes: run `kubectl apply -k DIR/k8s`'
complete -c regctl -n "__fish_regctl_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand init" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand start" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand start" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand start" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand stop" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand stop" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand stop" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand restart" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand restart" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand restart" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand status" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand status" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand status" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand status" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand logs" -s n -l lines -d 'How many lines from the end' -r
complete -c regctl -n "__fish_regctl_using_subcommand logs" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand logs" -s f -l follow -d 'Keep printing new lines as they come (Ctrl-C to stop)'
complete -c regctl -n "__fish_regctl_using_subcommand logs" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand logs" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -f -a "add" -d 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -f -a "passwd" -d 'Change a user\'s password'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -f -a "remove" -d 'Remove a user; their logins are refused from the next request on'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -f -a "list" -d 'List the users'
complete -c regctl -n "__fish_regctl_using_subcommand user; and not __fish_seen_subcommand_from add passwd remove list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -l apply -d 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -l generate-password -d 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l apply -d 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -l generate-password -d 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from passwd" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from remove" -l apply -d 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from list" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from list" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "passwd" -d 'Change a user\'s password'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a user; their logins are refused from the next request on'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the users'
complete -c regctl -n "__fish_regctl_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -f -a "issue" -d 'Create (or reuse) the local CA and issue the registry\'s server certificate'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -f -a "inspect" -d 'Show a certificate and explain every problem clients would hit'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -f -a "renew" -d 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -f -a "rotate-ca" -d 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and not __fish_seen_subcommand_from issue inspect renew rotate-ca help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l host -l san -d 'A DNS name or IP address clients use (repeatable); the first DNS name is also the Common Name [default: the hosts in regctl.yaml]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l key-type -d 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l days -d 'Validity of the server certificate, in days (Apple clients reject more than 825)' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l ca-days -d 'Validity of a new CA, in days' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l ca-name -d 'Common Name of a new CA [default: "regctl CA (HOSTNAME) ID"]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l ca -d 'Sign with an existing CA certificate instead of regctl\'s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster\'s CA for --kubernetes is --signer-ca' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l ca-key -d 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l signer -d 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l node-name -d 'The node name in a kubelet-serving subject [default: this machine\'s name]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l csr-timeout -d 'Give up waiting for the signature after this many seconds [default: 300]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l signer-ca -d 'The CA that signs for the signer [default: the kubeconfig\'s cluster CA, inline or by file]; required when the kubeconfig names none' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l context -d 'kubectl context [default: the kubeconfig\'s current one]' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l kubeconfig -d 'kubeconfig file for kubectl [default: kubectl\'s own choice]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l no-host-ips -d 'Leave out this machine\'s host name and non-loopback addresses (added by default when no regctl.yaml names the hosts, like `hostname -I`)'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l force -d 'Replace existing server certificate and key files (the CA is kept)'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l new-ca -d 'Create a new CA even though one exists (with --force); every client must then trust the new one'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l kubernetes -d 'Have the Kubernetes cluster sign through a CertificateSigningRequest (kubectl); certs/ca.crt becomes the signer\'s CA'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -l approve -d 'Approve the request yourself (needs RBAC to approve for the signer)'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from issue" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l host -d 'The host name or IP clients dial (with or without :port)' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l ca -d 'CA certificate(s) the chain must verify against' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l key -d 'Private key that must match the certificate' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l role -d 'What the certificate is for; `auto` treats a CA:TRUE certificate as a CA unless --host or --key is given' -r -f -a "auto\t'Decide from the certificate and the options given'
server\t'A TLS server certificate (`http.tls.certificate`)'
ca\t'A CA certificate that clients trust'"
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l days -d 'Validity of the new certificate, in days' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l ca -d 'Sign with an existing CA certificate instead of regctl\'s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster\'s CA for --kubernetes is --signer-ca' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l ca-key -d 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from renew" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l key-type -d 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l days -d 'Validity of the server certificate, in days (Apple clients reject more than 825)' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l ca-days -d 'Validity of the new CA, in days' -r
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l root -d 'Stage trust changes under this directory instead of the real host' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -l prepare -d 'Stop once both CAs are trusted here, leaving certs/ca.rotation-bundle.crt for other machines; run again to switch'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from rotate-ca" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "issue" -d 'Create (or reuse) the local CA and issue the registry\'s server certificate'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a certificate and explain every problem clients would hit'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "renew" -d 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "rotate-ca" -d 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
complete -c regctl -n "__fish_regctl_using_subcommand cert; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -f -a "add" -d 'Add a user, or change their password (bcrypt `$2y$`)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -f -a "remove" -d 'Remove a user'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -f -a "verify" -d 'Check a user\'s password as the registry would (exit 1 if it does not match)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -f -a "list" -d 'List users and their hash schemes; non-bcrypt entries are flagged'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and not __fish_seen_subcommand_from add remove verify list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -l file -d 'The htpasswd file [default: DIR/auth/htpasswd]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -l cost -d 'bcrypt cost (4-31); each step doubles the work per login' -r
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from remove" -l file -d 'The htpasswd file [default: DIR/auth/htpasswd]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from remove" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -l file -d 'The htpasswd file [default: DIR/auth/htpasswd]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from list" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a user, or change their password (bcrypt `$2y$`)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a user'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a user\'s password as the registry would (exit 1 if it does not match)'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from help" -f -a "list" -d 'List users and their hash schemes; non-bcrypt entries are flagged'
complete -c regctl -n "__fish_regctl_using_subcommand htpasswd; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand render" -l answers -d 'The answers file [default: DIR/regctl.yaml]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand render" -s o -l out -d 'Output directory [default: the registry directory]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand render" -l templates -d 'Directory of templates overriding the built-in ones (same names)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand render" -l pull-user -d 'User for the Kubernetes image pull Secret (password from --pull-password-stdin or --pull-password-env; kept 0600 in DIR/auth/pull-credentials so later renders keep the Secret)' -r
complete -c regctl -n "__fish_regctl_using_subcommand render" -l pull-password-env -d 'Read the pull Secret\'s password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand render" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand render" -l force -d 'Replace files edited by hand since regctl wrote them'
complete -c regctl -n "__fish_regctl_using_subcommand render" -l pull-password-stdin -d 'Read the pull Secret\'s password from stdin'
complete -c regctl -n "__fish_regctl_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand render" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -f -a "install" -d 'Install the CA into the stores (regctl.yaml\'s, else detected ones, unless --store is given), for every host clients use'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -f -a "uninstall" -d 'Remove exactly what install added (from the ledger in DIR)'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -f -a "status" -d 'Show, per store, whether the CA is installed and matches'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and not __fish_seen_subcommand_from install uninstall status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l host -d 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]' -r
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l ca -d 'The CA certificate [default: DIR/certs/ca.crt]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l store -d 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK\'s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml\'s stores, else every one of system, docker, containerd and podman found here]' -r -f -a "system\t''
docker\t''
containerd\t''
podman\t''
nss\t''
java\t''
macos\t''
windows\t''"
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l root -d 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l dry-run -d 'Print each file and command; change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l insecure -d 'Plain HTTP registry: merge it into Docker\'s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman\'s registries.conf.d `insecure = true`. NOT SECURE'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l per-user -d 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user\'s browser databases'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from install" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l host -d 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]' -r
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l ca -d 'The CA certificate [default: DIR/certs/ca.crt]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l store -d 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK\'s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml\'s stores, else every one of system, docker, containerd and podman found here]' -r -f -a "system\t''
docker\t''
containerd\t''
podman\t''
nss\t''
java\t''
macos\t''
windows\t''"
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l root -d 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l dry-run -d 'Print each file and command; change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l insecure -d 'Plain HTTP registry: merge it into Docker\'s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman\'s registries.conf.d `insecure = true`. NOT SECURE'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l per-user -d 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user\'s browser databases'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from uninstall" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l host -d 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]' -r
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l ca -d 'The CA certificate [default: DIR/certs/ca.crt]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l store -d 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK\'s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml\'s stores, else every one of system, docker, containerd and podman found here]' -r -f -a "system\t''
docker\t''
containerd\t''
podman\t''
nss\t''
java\t''
macos\t''
windows\t''"
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l root -d 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l dry-run -d 'Print each file and command; change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l insecure -d 'Plain HTTP registry: merge it into Docker\'s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman\'s registries.conf.d `insecure = true`. NOT SECURE'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l per-user -d 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user\'s browser databases'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the CA into the stores (regctl.yaml\'s, else detected ones, unless --store is given), for every host clients use'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove exactly what install added (from the ledger in DIR)'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show, per store, whether the CA is installed and matches'
complete -c regctl -n "__fish_regctl_using_subcommand trust; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -f -a "build" -d 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution\'s config path /etc/docker/registry/config.yml'
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -f -a "save" -d 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
complete -c regctl -n "__fish_regctl_using_subcommand image; and not __fish_seen_subcommand_from build save help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -l tag -d 'The image tag' -r
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -l binary -d 'The regctl binary to package [default: this one]. For the smallest image build it static: RUSTFLAGS=\'-C target-feature=+crt-static\' cargo build --release' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -l context -d 'Write the build context (Dockerfile and rootfs) here and stop' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -l tag -d 'The image name in the archive' -r
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -l binary -d 'The regctl binary to package [default: this one]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write the archive here instead of to standard output' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "build" -d 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution\'s config path /etc/docker/registry/config.yml'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
complete -c regctl -n "__fish_regctl_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -s u -l user -d 'User to test login and push with' -r
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l password-env -d 'Read the password from this environment variable' -r
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l ca -d 'The CA the certificate should chain to [default: DIR/certs/ca.crt when the registry is DIR\'s]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l push-test -d 'Size of the chunked push test (e.g. 64M, 1G; 0 to skip)' -r
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l htpasswd -d 'The registry\'s htpasswd file, to explain a refused login [default: DIR/auth/htpasswd when it exists]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l config -d 'The registry\'s config.yml, to validate [default: DIR/config.yml when it exists]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l root -d 'Look for client configuration under this directory instead of /' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l password-stdin -d 'Read the password from stdin (one line)'
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regctl -n "__fish_regctl_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand probe" -l ca -d 'CA certificate to verify https against' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand probe" -l connect -d 'Dial this address instead of the URL\'s host; the certificate is still checked for the URL\'s host' -r
complete -c regctl -n "__fish_regctl_using_subcommand probe" -l timeout -d 'Give up after this many seconds' -r
complete -c regctl -n "__fish_regctl_using_subcommand probe" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand probe" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand probe" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand serve" -l config -d 'Configuration file (same as the positional argument)' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand serve" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand serve" -l check-config -d 'Validate the configuration, print it with secrets masked, and exit'
complete -c regctl -n "__fish_regctl_using_subcommand serve" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand serve" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l config -d 'The registry\'s config.yml [default: $REGISTRY_CONFIGURATION_PATH, else DIR/config.yml]' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l min-age -d 'Keep anything modified more recently than this (pushes in progress)' -r
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l dry-run -d 'Report what would be removed; change nothing'
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l delete-untagged -d 'Also remove manifests no tag reaches (index children, referrers of kept manifests and their blobs are kept)'
complete -c regctl -n "__fish_regctl_using_subcommand gc" -l json -d 'Print JSON for scripts'
complete -c regctl -n "__fish_regctl_using_subcommand gc" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand gc" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand completions" -l out-dir -d 'Write scripts for every shell into this directory instead' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand completions" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand man" -l out-dir -d 'Write regctl.1 and one page per command (regctl-cert-issue.1, ...) into this directory instead of printing regctl.1' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand man" -l dir -d 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true' -r -F
complete -c regctl -n "__fish_regctl_using_subcommand man" -s h -l help -d 'Print help'
complete -c regctl -n "__fish_regctl_using_subcommand man" -s V -l version -d 'Print version'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "init" -d 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "start" -d 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "stop" -d 'Stop the registry'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "restart" -d 'Restart the registry (it also reloads certificates and users by itself)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "status" -d 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "logs" -d 'Show the registry\'s log'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "user" -d 'Add, remove and list the registry\'s users; the running registry picks changes up without a restart'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "cert" -d 'Issue, inspect, renew and rotate TLS certificates'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "htpasswd" -d 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "render" -d 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "trust" -d 'Make clients trust the registry\'s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "image" -d 'Package the bundled registry as a container image (`FROM scratch`)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "doctor" -d 'Find out why a client cannot use a registry, and how to fix it'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "probe" -d 'Check that a registry answers 2xx/3xx on URL (container health checks)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "serve" -d 'Run the bundled OCI registry (reads distribution\'s config.yml)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "gc" -d 'Remove unreferenced manifests, links and blobs; safe while the registry runs'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "completions" -d 'Print a shell completion script (or write all of them to a directory)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "man" -d 'Print the man page (roff), or write one per command to a directory'
complete -c regctl -n "__fish_regctl_using_subcommand help; and not __fish_seen_subcommand_from init start stop restart status logs user cert htpasswd render trust image doctor probe serve gc completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "passwd" -d 'Change a user\'s password'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "remove" -d 'Remove a user; their logins are refused from the next request on'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "list" -d 'List the users'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "issue" -d 'Create (or reuse) the local CA and issue the registry\'s server certificate'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "inspect" -d 'Show a certificate and explain every problem clients would hit'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "renew" -d 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from cert" -f -a "rotate-ca" -d 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from htpasswd" -f -a "add" -d 'Add a user, or change their password (bcrypt `$2y$`)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from htpasswd" -f -a "remove" -d 'Remove a user'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from htpasswd" -f -a "verify" -d 'Check a user\'s password as the registry would (exit 1 if it does not match)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from htpasswd" -f -a "list" -d 'List users and their hash schemes; non-bcrypt entries are flagged'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "install" -d 'Install the CA into the stores (regctl.yaml\'s, else detected ones, unless --store is given), for every host clients use'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "uninstall" -d 'Remove exactly what install added (from the ledger in DIR)'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from trust" -f -a "status" -d 'Show, per store, whether the CA is installed and matches'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "build" -d 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution\'s config path /etc/docker/registry/config.yml'
complete -c regctl -n "__fish_regctl_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
