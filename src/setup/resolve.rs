//! Answers from flags: the one place a flag becomes an answer, for every
//! command that takes them.

use super::{AccessMode, Ingress, ServiceType, Setup, SetupError};
use crate::cli::SetupFlags;

impl Setup {
    /// The answers for a run: `base` (regctl.yaml, or this machine's
    /// defaults on a first run) with every flag given applied on top.
    /// Nothing the flags do not name changes, so a re-run never widens or
    /// drops an earlier decision by itself. Users named by `--user` are
    /// added to the recorded ones; removing a user is `regctl user remove`.
    pub(crate) fn resolve(base: Option<Setup>, flags: &SetupFlags) -> Result<Setup, SetupError> {
        let first_run = base.is_none();
        let mut s = base.unwrap_or_else(Setup::for_this_machine);
        if let Some(t) = flags.target {
            s.target = t;
        }
        if !flags.hosts.is_empty() {
            s.hosts = Vec::new();
            for h in &flags.hosts {
                let h = h.trim().to_ascii_lowercase();
                if !s.hosts.contains(&h) {
                    s.hosts.push(h);
                }
            }
        }
        if let Some(p) = flags.port {
            s.port = p;
        }
        if let Some(t) = flags.tls {
            s.tls = t;
        }
        if !flags.users.is_empty() {
            if first_run {
                s.users.clear();
            }
            for u in &flags.users {
                if !s.users.contains(u) {
                    s.users.push(u.clone());
                }
            }
        }
        let st = &mut s.storage;
        if let Some(d) = &flags.data_dir {
            st.data_dir = d.clone();
        }
        if let Some(z) = &flags.size {
            st.size = z.clone();
        }
        if flags.no_delete {
            st.delete_enabled = false;
        }
        if let Some(g) = &flags.gc_schedule {
            st.gc_schedule = g.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        if let Some(e) = flags.engine {
            s.engine = e;
        }
        if let Some(image) = &flags.image {
            s.image = Some(image.clone());
        }
        if flags.redis {
            s.redis = true;
        }
        if let Some(r) = flags.replicas {
            s.replicas = r;
            if r > 1 {
                s.storage.access_mode = AccessMode::ReadWriteMany;
            }
        }
        let k = &mut s.kubernetes;
        if let Some(ns) = &flags.namespace {
            k.namespace = ns.clone();
        }
        if let Some(h) = &flags.ingress_host {
            k.ingress = Some(Ingress {
                host: h.clone(),
                class: k.ingress.as_ref().map(|i| i.class).unwrap_or_default(),
            });
        }
        if let Some(t) = flags.service_type {
            if t != ServiceType::NodePort && flags.node_port.is_none() {
                k.node_port = None;
            }
            k.service_type = t;
        }
        if let Some(p) = flags.node_port {
            k.node_port = Some(p);
        }
        // A NodePort Service gets its port now and keeps it in regctl.yaml,
        // so the address printed, trusted and put in certs.d is the one
        // the Service really opens.
        if k.service_type == ServiceType::NodePort && k.node_port.is_none() {
            k.node_port = Some(super::derived_node_port(s.port));
        }
        if flags.pin_control_plane {
            k.pin_control_plane = true;
        }
        if !flags.allow_from.is_empty() {
            k.allow_from = flags.allow_from.clone();
        }
        if let Some(c) = &flags.kubectl.context {
            k.context = Some(c.clone());
        }
        if let Some(c) = &flags.kubectl.kubeconfig {
            k.kubeconfig = Some(crate::fsutil::absolute(c));
        }
        let csr = &mut k.csr;
        if let Some(signer) = &flags.csr.signer {
            csr.signer = signer.clone();
        }
        if let Some(n) = &flags.csr.node_name {
            csr.node_name = Some(n.clone());
        }
        if flags.csr.approve {
            csr.approve = true;
        }
        if let Some(t) = flags.csr.csr_timeout {
            csr.timeout = t;
        }
        if let Some(ca) = &flags.csr.signer_ca {
            csr.signer_ca = Some(crate::fsutil::absolute(ca));
        }
        if !flags.stores.is_empty() {
            s.trust = Some(
                crate::trust::StoreChoice::resolve(&flags.stores).map_err(|m| {
                    SetupError::Invalid {
                        field: "--store".into(),
                        message: m,
                    }
                })?,
            );
        }
        s.validate()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::Target;
    use crate::trust::{StoreChoice, StoreKind};

    fn base() -> Setup {
        Setup::parse(
            "hosts: [reg.lan]\nusers: [alice, bob]\ntrust: [docker]\n",
            std::path::Path::new("regctl.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn flags_change_only_what_they_name() {
        let s = Setup::resolve(Some(base()), &SetupFlags::default()).unwrap();
        assert_eq!(s, base());
        let flags = SetupFlags {
            port: Some(5443),
            users: vec!["carol".into()],
            ..SetupFlags::default()
        };
        let s = Setup::resolve(Some(base()), &flags).unwrap();
        assert_eq!(s.port, 5443);
        assert_eq!(s.users, ["alice", "bob", "carol"]);
        assert_eq!(s.trust, Some(vec![StoreKind::Docker]));
        assert_eq!(s.hosts, ["reg.lan"]);
    }

    #[test]
    fn first_run_defaults_and_stores() {
        let flags = SetupFlags {
            users: vec!["ci".into()],
            stores: vec![StoreChoice::NONE],
            target: Some(Target::Kubernetes),
            service_type: Some(ServiceType::NodePort),
            node_port: Some(30500),
            ..SetupFlags::default()
        };
        let s = Setup::resolve(None, &flags).unwrap();
        assert_eq!(s.users, ["ci"]);
        assert_eq!(s.trust, Some(Vec::new()));
        assert_eq!(s.kubernetes.node_port, Some(30500));
        let bad = SetupFlags {
            stores: vec![StoreChoice::NONE, StoreChoice::from(StoreKind::Docker)],
            ..SetupFlags::default()
        };
        let err = Setup::resolve(None, &bad).unwrap_err().to_string();
        assert!(err.contains("--trust none cannot be combined"), "{err}");
    }
}
