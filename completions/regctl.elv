
use builtin;
use str;

set edit:completion:arg-completer[regctl] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'regctl'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'regctl'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand init 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull'
            cand start 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)'
            cand stop 'Stop the registry'
            cand restart 'Restart the registry (it also reloads certificates and users by itself)'
            cand status 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running'
            cand logs 'Show the registry''s log'
            cand user 'Add, remove and list the registry''s users; the running registry picks changes up without a restart'
            cand cert 'Issue, inspect, renew and rotate TLS certificates'
            cand htpasswd 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well'
            cand render 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml'
            cand trust 'Make clients trust the registry''s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it'
            cand image 'Package the bundled registry as a container image (`FROM scratch`)'
            cand doctor 'Find out why a client cannot use a registry, and how to fix it'
            cand probe 'Check that a registry answers 2xx/3xx on URL (container health checks)'
            cand serve 'Run the bundled OCI registry (reads distribution''s config.yml)'
            cand gc 'Remove unreferenced manifests, links and blobs; safe while the registry runs'
            cand completions 'Print a shell completion script (or write all of them to a directory)'
            cand man 'Print the man page (roff), or write one per command to a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;init'= {
            cand --answers 'Replay an answers file [default: DIR/regctl.yaml when it exists]'
            cand --target 'Where the registry runs'
            cand --host 'A host name or IP address clients use (repeatable); the first is the registry''s address [default: a name or address other machines reach, then this machine''s other addresses, localhost, 127.0.0.1]'
            cand --san 'A host name or IP address clients use (repeatable); the first is the registry''s address [default: a name or address other machines reach, then this machine''s other addresses, localhost, 127.0.0.1]'
            cand --port 'Port clients connect to [default: 5000]'
            cand --tls 'How clients come to trust the registry'
            cand -u 'An htpasswd user (repeatable) [default: admin]. Users already in regctl.yaml stay; manage them later with `regctl user`'
            cand --user 'An htpasswd user (repeatable) [default: admin]. Users already in regctl.yaml stay; manage them later with `regctl user`'
            cand --data-dir 'Data directory, relative to DIR [default: data]'
            cand --size 'Volume size for Kubernetes [default: 20Gi]'
            cand --gc-schedule 'Garbage collection schedule (5-field cron) [default: "0 3 * * 0"]'
            cand --engine 'Which server runs in containers'
            cand --image 'Container image to run instead of the engine''s default (regctl:VERSION, built by `regctl image build`, or registry:2.8.3)'
            cand --replicas 'Replicas (Kubernetes; more than 1 needs a ReadWriteMany volume)'
            cand --namespace 'Kubernetes namespace [default: registry]'
            cand --ingress-host 'Ingress host name (Kubernetes); no Ingress when unset'
            cand --service-type 'Kubernetes Service type'
            cand --node-port 'The NodePort (30000-32767) for --service-type NodePort [default: derived from --port]'
            cand --allow-from 'Only these networks (CIDRs) may reach the registry through the Ingress and a NetworkPolicy (repeatable, Kubernetes)'
            cand --store 'A trust store on this machine to install the CA into (repeatable), or `none`; recorded, so later runs use the same stores [default on a first run: the stores found here]'
            cand --context 'kubectl context [default: the kubeconfig''s current one]'
            cand --kubeconfig 'kubeconfig file for kubectl [default: kubectl''s own choice]'
            cand --signer 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]'
            cand --node-name 'The node name in a kubelet-serving subject [default: this machine''s name]'
            cand --csr-timeout 'Give up waiting for the signature after this many seconds [default: 300]'
            cand --signer-ca 'The CA that signs for the signer [default: the kubeconfig''s cluster CA, inline or by file]; required when the kubeconfig names none'
            cand --cert 'Your server certificate (PEM, full chain allowed), with --tls provided'
            cand --key 'The private key of --cert'
            cand --ca 'The CA clients trust: the one that signed --cert, or with --tls kubernetes-csr the signer''s CA (as --signer-ca)'
            cand --key-type 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096'
            cand --days 'Validity of the server certificate, in days (Apple clients reject more than 825)'
            cand --password-env 'Read the password from this environment variable'
            cand --root 'Stage trust changes under this directory instead of the real host'
            cand --templates 'Directory of templates overriding the built-in ones'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -y 'Accept the default of every question that was not answered by a flag'
            cand --yes 'Accept the default of every question that was not answered by a flag'
            cand --dry-run 'Print the plan (files with modes, commands, trust stores, services); change nothing'
            cand --force 'Replace files that would change without asking (the CA is still kept)'
            cand --new-ca 'Create a new CA even though one exists; every client must then trust it (`regctl cert rotate-ca` does this without a gap)'
            cand --no-delete 'Refuse deletes (the API answers 405; GC then only removes untagged uploads)'
            cand --redis 'Redis blob-descriptor cache (distribution engine)'
            cand --pin-control-plane 'Pin the registry to control-plane nodes (single-node clusters)'
            cand --approve 'Approve the request yourself (needs RBAC to approve for the signer)'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand --generate-password 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
            cand --no-start 'Write everything but do not start the registry (or run kubectl)'
            cand --no-self-test 'Skip the push/pull self-test'
            cand --apply 'Kubernetes: run `kubectl apply -k DIR/k8s`'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;start'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;stop'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;restart'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;status'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;logs'= {
            cand -n 'How many lines from the end'
            cand --lines 'How many lines from the end'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -f 'Keep printing new lines as they come (Ctrl-C to stop)'
            cand --follow 'Keep printing new lines as they come (Ctrl-C to stop)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;user'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
            cand passwd 'Change a user''s password'
            cand remove 'Remove a user; their logins are refused from the next request on'
            cand list 'List the users'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;user;add'= {
            cand --password-env 'Read the password from this environment variable'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --apply 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand --generate-password 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;user;passwd'= {
            cand --password-env 'Read the password from this environment variable'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --apply 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand --generate-password 'Generate a strong password (24 characters), printed once and kept in DIR/auth/USER.password (0600)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;user;remove'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --apply 'Kubernetes: apply the re-rendered htpasswd Secret (kubectl apply -k)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;user;list'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;user;help'= {
            cand add 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
            cand passwd 'Change a user''s password'
            cand remove 'Remove a user; their logins are refused from the next request on'
            cand list 'List the users'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;user;help;add'= {
        }
        &'regctl;user;help;passwd'= {
        }
        &'regctl;user;help;remove'= {
        }
        &'regctl;user;help;list'= {
        }
        &'regctl;user;help;help'= {
        }
        &'regctl;cert'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand issue 'Create (or reuse) the local CA and issue the registry''s server certificate'
            cand inspect 'Show a certificate and explain every problem clients would hit'
            cand renew 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
            cand rotate-ca 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;cert;issue'= {
            cand --host 'A DNS name or IP address clients use (repeatable); the first DNS name is also the Common Name [default: the hosts in regctl.yaml]'
            cand --san 'A DNS name or IP address clients use (repeatable); the first DNS name is also the Common Name [default: the hosts in regctl.yaml]'
            cand --key-type 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096'
            cand --days 'Validity of the server certificate, in days (Apple clients reject more than 825)'
            cand --ca-days 'Validity of a new CA, in days'
            cand --ca-name 'Common Name of a new CA [default: "regctl CA (HOSTNAME) ID"]'
            cand --ca 'Sign with an existing CA certificate instead of regctl''s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster''s CA for --kubernetes is --signer-ca'
            cand --ca-key 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)'
            cand --signer 'The signer: kubernetes.io/kubelet-serving (subject CN=system:node:NODE, O=system:nodes) or your own [default: kubernetes.io/kubelet-serving]'
            cand --node-name 'The node name in a kubelet-serving subject [default: this machine''s name]'
            cand --csr-timeout 'Give up waiting for the signature after this many seconds [default: 300]'
            cand --signer-ca 'The CA that signs for the signer [default: the kubeconfig''s cluster CA, inline or by file]; required when the kubeconfig names none'
            cand --context 'kubectl context [default: the kubeconfig''s current one]'
            cand --kubeconfig 'kubeconfig file for kubectl [default: kubectl''s own choice]'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --no-host-ips 'Leave out this machine''s host name and non-loopback addresses (added by default when no regctl.yaml names the hosts, like `hostname -I`)'
            cand --force 'Replace existing server certificate and key files (the CA is kept)'
            cand --new-ca 'Create a new CA even though one exists (with --force); every client must then trust the new one'
            cand --kubernetes 'Have the Kubernetes cluster sign through a CertificateSigningRequest (kubectl); certs/ca.crt becomes the signer''s CA'
            cand --approve 'Approve the request yourself (needs RBAC to approve for the signer)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;cert;inspect'= {
            cand --host 'The host name or IP clients dial (with or without :port)'
            cand --ca 'CA certificate(s) the chain must verify against'
            cand --key 'Private key that must match the certificate'
            cand --role 'What the certificate is for; `auto` treats a CA:TRUE certificate as a CA unless --host or --key is given'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;cert;renew'= {
            cand --days 'Validity of the new certificate, in days'
            cand --ca 'Sign with an existing CA certificate instead of regctl''s own CA (copied to DIR/certs/ca.crt; the key is not copied). The cluster''s CA for --kubernetes is --signer-ca'
            cand --ca-key 'The private key of --ca (PKCS#8, PKCS#1 or SEC1 PEM, unencrypted)'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;cert;rotate-ca'= {
            cand --key-type 'Key algorithm for new keys: p256, p384, ed25519, rsa2048, rsa4096'
            cand --days 'Validity of the server certificate, in days (Apple clients reject more than 825)'
            cand --ca-days 'Validity of the new CA, in days'
            cand --root 'Stage trust changes under this directory instead of the real host'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --prepare 'Stop once both CAs are trusted here, leaving certs/ca.rotation-bundle.crt for other machines; run again to switch'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;cert;help'= {
            cand issue 'Create (or reuse) the local CA and issue the registry''s server certificate'
            cand inspect 'Show a certificate and explain every problem clients would hit'
            cand renew 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
            cand rotate-ca 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;cert;help;issue'= {
        }
        &'regctl;cert;help;inspect'= {
        }
        &'regctl;cert;help;renew'= {
        }
        &'regctl;cert;help;rotate-ca'= {
        }
        &'regctl;cert;help;help'= {
        }
        &'regctl;htpasswd'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a user, or change their password (bcrypt `$2y$`)'
            cand remove 'Remove a user'
            cand verify 'Check a user''s password as the registry would (exit 1 if it does not match)'
            cand list 'List users and their hash schemes; non-bcrypt entries are flagged'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;htpasswd;add'= {
            cand --file 'The htpasswd file [default: DIR/auth/htpasswd]'
            cand --password-env 'Read the password from this environment variable'
            cand --cost 'bcrypt cost (4-31); each step doubles the work per login'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;htpasswd;remove'= {
            cand --file 'The htpasswd file [default: DIR/auth/htpasswd]'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;htpasswd;verify'= {
            cand --file 'The htpasswd file [default: DIR/auth/htpasswd]'
            cand --password-env 'Read the password from this environment variable'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;htpasswd;list'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;htpasswd;help'= {
            cand add 'Add a user, or change their password (bcrypt `$2y$`)'
            cand remove 'Remove a user'
            cand verify 'Check a user''s password as the registry would (exit 1 if it does not match)'
            cand list 'List users and their hash schemes; non-bcrypt entries are flagged'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;htpasswd;help;add'= {
        }
        &'regctl;htpasswd;help;remove'= {
        }
        &'regctl;htpasswd;help;verify'= {
        }
        &'regctl;htpasswd;help;list'= {
        }
        &'regctl;htpasswd;help;help'= {
        }
        &'regctl;render'= {
            cand --answers 'The answers file [default: DIR/regctl.yaml]'
            cand -o 'Output directory [default: the registry directory]'
            cand --out 'Output directory [default: the registry directory]'
            cand --templates 'Directory of templates overriding the built-in ones (same names)'
            cand --pull-user 'User for the Kubernetes image pull Secret (password from --pull-password-stdin or --pull-password-env; kept 0600 in DIR/auth/pull-credentials so later renders keep the Secret)'
            cand --pull-password-env 'Read the pull Secret''s password from this environment variable'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --force 'Replace files edited by hand since regctl wrote them'
            cand --pull-password-stdin 'Read the pull Secret''s password from stdin'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;trust'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand install 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use'
            cand uninstall 'Remove exactly what install added (from the ledger in DIR)'
            cand status 'Show, per store, whether the CA is installed and matches'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;trust;install'= {
            cand --host 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]'
            cand --ca 'The CA certificate [default: DIR/certs/ca.crt]'
            cand --store 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]'
            cand --root 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --dry-run 'Print each file and command; change nothing'
            cand --insecure 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE'
            cand --per-user 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;trust;uninstall'= {
            cand --host 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]'
            cand --ca 'The CA certificate [default: DIR/certs/ca.crt]'
            cand --store 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]'
            cand --root 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --dry-run 'Print each file and command; change nothing'
            cand --insecure 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE'
            cand --per-user 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;trust;status'= {
            cand --host 'The registry as clients address it, HOST:PORT (repeatable) [default: every host in regctl.yaml with its port]'
            cand --ca 'The CA certificate [default: DIR/certs/ca.crt]'
            cand --store 'A store to use (repeatable): system, docker, containerd, podman; nss (browsers: /etc/pki/nssdb, or with --per-user Firefox profiles and ~/.pki/nssdb) and java (a JDK''s cacerts, via keytool) only when named; macos, windows on those systems [default: regctl.yaml''s stores, else every one of system, docker, containerd and podman found here]'
            cand --root 'Stage every path under this directory instead of the real host (tests, image builds, node bootstrap); commands are reported, not run'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --dry-run 'Print each file and command; change nothing'
            cand --insecure 'Plain HTTP registry: merge it into Docker''s insecure-registries (daemon.json, with a backup), write containerd hosts.toml with an http:// server and podman''s registries.conf.d `insecure = true`. NOT SECURE'
            cand --per-user 'For this user only, without root: rootless Docker (~/.config/docker/certs.d) and Docker Desktop (~/.docker/certs.d, when it exists), podman/skopeo/buildah (~/.config/containers/certs.d), and with --store nss the user''s browser databases'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;trust;help'= {
            cand install 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use'
            cand uninstall 'Remove exactly what install added (from the ledger in DIR)'
            cand status 'Show, per store, whether the CA is installed and matches'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;trust;help;install'= {
        }
        &'regctl;trust;help;uninstall'= {
        }
        &'regctl;trust;help;status'= {
        }
        &'regctl;trust;help;help'= {
        }
        &'regctl;image'= {
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand build 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml'
            cand save 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;image;build'= {
            cand --tag 'The image tag'
            cand --binary 'The regctl binary to package [default: this one]. For the smallest image build it static: RUSTFLAGS=''-C target-feature=+crt-static'' cargo build --release'
            cand --context 'Write the build context (Dockerfile and rootfs) here and stop'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;image;save'= {
            cand --tag 'The image name in the archive'
            cand --binary 'The regctl binary to package [default: this one]'
            cand -o 'Write the archive here instead of to standard output'
            cand --output 'Write the archive here instead of to standard output'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;image;help'= {
            cand build 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml'
            cand save 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;image;help;build'= {
        }
        &'regctl;image;help;save'= {
        }
        &'regctl;image;help;help'= {
        }
        &'regctl;doctor'= {
            cand -u 'User to test login and push with'
            cand --user 'User to test login and push with'
            cand --password-env 'Read the password from this environment variable'
            cand --ca 'The CA the certificate should chain to [default: DIR/certs/ca.crt when the registry is DIR''s]'
            cand --push-test 'Size of the chunked push test (e.g. 64M, 1G; 0 to skip)'
            cand --htpasswd 'The registry''s htpasswd file, to explain a refused login [default: DIR/auth/htpasswd when it exists]'
            cand --config 'The registry''s config.yml, to validate [default: DIR/config.yml when it exists]'
            cand --root 'Look for client configuration under this directory instead of /'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --password-stdin 'Read the password from stdin (one line)'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;probe'= {
            cand --ca 'CA certificate to verify https against'
            cand --connect 'Dial this address instead of the URL''s host; the certificate is still checked for the URL''s host'
            cand --timeout 'Give up after this many seconds'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;serve'= {
            cand --config 'Configuration file (same as the positional argument)'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --check-config 'Validate the configuration, print it with secrets masked, and exit'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;gc'= {
            cand --config 'The registry''s config.yml [default: $REGISTRY_CONFIGURATION_PATH, else DIR/config.yml]'
            cand --min-age 'Keep anything modified more recently than this (pushes in progress)'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand --dry-run 'Report what would be removed; change nothing'
            cand --delete-untagged 'Also remove manifests no tag reaches (index children, referrers of kept manifests and their blobs are kept)'
            cand --json 'Print JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;completions'= {
            cand --out-dir 'Write scripts for every shell into this directory instead'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;man'= {
            cand --out-dir 'Write regctl.1 and one page per command (regctl-cert-issue.1, ...) into this directory instead of printing regctl.1'
            cand --dir 'The registry directory (regctl.yaml and the files beside it) every command reads and keeps true'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'regctl;help'= {
            cand init 'Set up a registry from nothing: certificates, users, config, trust, start it, and prove it with a push and a pull'
            cand start 'Start the registry (background process, systemd, compose or Kubernetes, as regctl.yaml says)'
            cand stop 'Stop the registry'
            cand restart 'Restart the registry (it also reloads certificates and users by itself)'
            cand status 'Is the registry running, and does /v2/ answer? Exit 3 when it is not running'
            cand logs 'Show the registry''s log'
            cand user 'Add, remove and list the registry''s users; the running registry picks changes up without a restart'
            cand cert 'Issue, inspect, renew and rotate TLS certificates'
            cand htpasswd 'Low-level tool for any htpasswd file [default: DIR/auth/htpasswd]; `regctl user` keeps regctl.yaml in step as well'
            cand render 'Generate config.yml, the compose file or systemd unit, and Kubernetes manifests from regctl.yaml'
            cand trust 'Make clients trust the registry''s CA (system, Docker, containerd, podman, ...), show where it is trusted, or undo it'
            cand image 'Package the bundled registry as a container image (`FROM scratch`)'
            cand doctor 'Find out why a client cannot use a registry, and how to fix it'
            cand probe 'Check that a registry answers 2xx/3xx on URL (container health checks)'
            cand serve 'Run the bundled OCI registry (reads distribution''s config.yml)'
            cand gc 'Remove unreferenced manifests, links and blobs; safe while the registry runs'
            cand completions 'Print a shell completion script (or write all of them to a directory)'
            cand man 'Print the man page (roff), or write one per command to a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'regctl;help;init'= {
        }
        &'regctl;help;start'= {
        }
        &'regctl;help;stop'= {
        }
        &'regctl;help;restart'= {
        }
        &'regctl;help;status'= {
        }
        &'regctl;help;logs'= {
        }
        &'regctl;help;user'= {
            cand add 'Add a user (the password from a hidden prompt, --password-stdin, --password-env or --generate-password)'
            cand passwd 'Change a user''s password'
            cand remove 'Remove a user; their logins are refused from the next request on'
            cand list 'List the users'
        }
        &'regctl;help;user;add'= {
        }
        &'regctl;help;user;passwd'= {
        }
        &'regctl;help;user;remove'= {
        }
        &'regctl;help;user;list'= {
        }
        &'regctl;help;cert'= {
            cand issue 'Create (or reuse) the local CA and issue the registry''s server certificate'
            cand inspect 'Show a certificate and explain every problem clients would hit'
            cand renew 'Reissue the server certificate with the same names before it expires; the running registry serves it at once'
            cand rotate-ca 'Replace the CA without leaving any client untrusting: the new CA goes into every recorded trust store first, then the server certificate switches, then the old CA is removed'
        }
        &'regctl;help;cert;issue'= {
        }
        &'regctl;help;cert;inspect'= {
        }
        &'regctl;help;cert;renew'= {
        }
        &'regctl;help;cert;rotate-ca'= {
        }
        &'regctl;help;htpasswd'= {
            cand add 'Add a user, or change their password (bcrypt `$2y$`)'
            cand remove 'Remove a user'
            cand verify 'Check a user''s password as the registry would (exit 1 if it does not match)'
            cand list 'List users and their hash schemes; non-bcrypt entries are flagged'
        }
        &'regctl;help;htpasswd;add'= {
        }
        &'regctl;help;htpasswd;remove'= {
        }
        &'regctl;help;htpasswd;verify'= {
        }
        &'regctl;help;htpasswd;list'= {
        }
        &'regctl;help;render'= {
        }
        &'regctl;help;trust'= {
            cand install 'Install the CA into the stores (regctl.yaml''s, else detected ones, unless --store is given), for every host clients use'
            cand uninstall 'Remove exactly what install added (from the ledger in DIR)'
            cand status 'Show, per store, whether the CA is installed and matches'
        }
        &'regctl;help;trust;install'= {
        }
        &'regctl;help;trust;uninstall'= {
        }
        &'regctl;help;trust;status'= {
        }
        &'regctl;help;image'= {
            cand build 'Build the image with the Docker engine: this regctl binary (static, or with the shared libraries it loads), a non-root user, and distribution''s config path /etc/docker/registry/config.yml'
            cand save 'Write the image as an archive, without Docker, for nodes that cannot pull it yet: `regctl image save | ctr -n k8s.io images import -` on a Kubernetes node, or `-o regctl.tar` and `docker load -i` / `podman load -i` elsewhere'
        }
        &'regctl;help;image;build'= {
        }
        &'regctl;help;image;save'= {
        }
        &'regctl;help;doctor'= {
        }
        &'regctl;help;probe'= {
        }
        &'regctl;help;serve'= {
        }
        &'regctl;help;gc'= {
        }
        &'regctl;help;completions'= {
        }
        &'regctl;help;man'= {
        }
        &'regctl;help;help'= {
        }
    ]
    $completions[$command]
}
