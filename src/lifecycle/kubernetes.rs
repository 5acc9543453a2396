//! The registry Deployment in the cluster, through kubectl with the
//! `--context`/`--kubeconfig` recorded in regctl.yaml.

use std::path::Path;

use super::LifecycleError;
use crate::kube::Kubectl;
use crate::setup::Setup;

pub(crate) struct Cluster {
    kubectl: Kubectl,
    namespace: String,
    replicas: u32,
}

/// The Deployment `render` writes.
const DEPLOYMENT: &str = "deployment/registry";

impl Cluster {
    pub(super) fn new(setup: &Setup) -> Cluster {
        Cluster {
            kubectl: setup.kubernetes.kubectl(),
            namespace: setup.kubernetes.namespace.clone(),
            replicas: setup.replicas,
        }
    }

    fn run(&self, args: &[&str]) -> Result<String, LifecycleError> {
        let mut all = vec!["-n", self.namespace.as_str()];
        all.extend_from_slice(args);
        Ok(self.kubectl.run(&all, None)?)
    }

    fn rollout(&self) -> Result<String, LifecycleError> {
        self.run(&["rollout", "status", DEPLOYMENT, "--timeout=120s"])
    }

    pub(super) fn start(&self) -> Result<String, LifecycleError> {
        let replicas = format!("--replicas={}", self.replicas);
        self.run(&["scale", DEPLOYMENT, &replicas])?;
        Ok(self.rollout()?.trim().to_string())
    }

    pub(super) fn stop(&self) -> Result<String, LifecycleError> {
        self.run(&["scale", DEPLOYMENT, "--replicas=0"])?;
        Ok(format!(
            "scaled {DEPLOYMENT} in {} to 0 replicas",
            self.namespace
        ))
    }

    pub(super) fn restart(&self) -> Result<String, LifecycleError> {
        self.run(&["rollout", "restart", DEPLOYMENT])?;
        Ok(self.rollout()?.trim().to_string())
    }

    pub(super) fn state(&self) -> (bool, String) {
        match self.run(&[
            "get",
            DEPLOYMENT,
            "-o",
            "jsonpath={.status.readyReplicas}/{.spec.replicas}",
        ]) {
            Ok(text) => {
                let (ready, want) = text.trim().split_once('/').unwrap_or(("", ""));
                let ready: u32 = ready.parse().unwrap_or(0);
                (
                    ready > 0,
                    format!(
                        "{DEPLOYMENT} in {}: {ready}/{want} replicas ready",
                        self.namespace
                    ),
                )
            }
            Err(e) => (false, e.to_string()),
        }
    }

    pub(super) fn logs(&self, lines: usize, follow: bool) -> Result<(), LifecycleError> {
        let mut argv: Vec<String> = vec!["kubectl".into()];
        argv.extend(self.kubectl.flags.iter().cloned());
        argv.extend([
            "-n".into(),
            self.namespace.clone(),
            "logs".into(),
            DEPLOYMENT.into(),
            format!("--tail={lines}"),
        ]);
        if follow {
            argv.push("--follow".into());
        }
        super::stream_tool(&argv, Path::new("."))
    }
}
