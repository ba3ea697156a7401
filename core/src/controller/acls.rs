//! CreateAcls and DeleteAcls (`AclControlManager`): the controller checks each ACL and writes
//! it to the metadata log (`AccessControlEntryRecord`, `RemoveAccessControlEntryRecord`),
//! from which every broker's authorizer learns it, as it learns topics.
//!
//! The request needs an authorizer: without `authorizer.class.name` Kafka answers
//! `SECURITY_DISABLED` ("No Authorizer is configured."). Simplification, stated in the ACL
//! lesson: the command-line tools act as a super user, so their own `ALTER` on the cluster
//! (which CreateAcls and DeleteAcls need) is not checked.

use crate::acl::{AclBinding, AclFilter, ResourceType, CLUSTER_NAME};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::protocol::MetadataRecord;

use super::Controller;

impl Controller {
    /// CreateAcls: adds the ACLs not already there. Returns the ACLs added.
    pub fn create_acls(
        &mut self,
        bindings: &[AclBinding],
        ctx: &mut Ctx,
    ) -> Result<Vec<AclBinding>, KafkaError> {
        self.require_authorizer()?;
        for binding in bindings {
            validate_new_acl(binding)?;
        }
        let mut next_id = self
            .image
            .acls
            .iter()
            .map(|(id, _)| id + 1)
            .max()
            .unwrap_or(0);
        let mut added: Vec<AclBinding> = Vec::new();
        let mut records = Vec::new();
        for binding in bindings {
            // `AclControlManager.createAcls`: an ACL that exists already is not added again.
            if self.image.acls.contains(binding) || added.contains(binding) {
                continue;
            }
            records.push(MetadataRecord::AccessControlEntry {
                id: next_id,
                binding: binding.clone(),
            });
            next_id += 1;
            added.push(binding.clone());
        }
        self.commit(records, ctx);
        if !added.is_empty() {
            ctx.emit(EventKind::AclsChanged {
                added: added.clone(),
                removed: Vec::new(),
            });
        }
        Ok(added)
    }

    /// DeleteAcls: removes every ACL a filter takes. Returns the ACLs removed.
    pub fn delete_acls(
        &mut self,
        filters: &[AclFilter],
        ctx: &mut Ctx,
    ) -> Result<Vec<AclBinding>, KafkaError> {
        self.require_authorizer()?;
        let (ids, removed): (Vec<u64>, Vec<AclBinding>) = self
            .image
            .acls
            .iter()
            .filter(|(_, binding)| filters.iter().any(|filter| filter.matches(binding)))
            .map(|(id, binding)| (id, binding.clone()))
            .unzip();
        let records = ids
            .into_iter()
            .map(|id| MetadataRecord::RemoveAccessControlEntry { id })
            .collect();
        self.commit(records, ctx);
        if !removed.is_empty() {
            ctx.emit(EventKind::AclsChanged {
                added: Vec::new(),
                removed: removed.clone(),
            });
        }
        Ok(removed)
    }

    /// `SECURITY_DISABLED` unless the brokers run an authorizer (CreateAcls, DeleteAcls and
    /// DescribeAcls all need one).
    pub(crate) fn require_authorizer(&self) -> Result<(), KafkaError> {
        if self.settings.authorizer.enabled {
            Ok(())
        } else {
            Err(KafkaError::new(
                ErrorCode::SecurityDisabled,
                "No Authorizer is configured.",
            ))
        }
    }
}

/// `AclControlManager.validateNewAcl`, with the cluster resource's one name
/// (`AclApis.handleCreateAcls`).
fn validate_new_acl(binding: &AclBinding) -> Result<(), KafkaError> {
    let invalid = |message: String| KafkaError::new(ErrorCode::InvalidRequest, message);
    if binding.pattern.name.is_empty() {
        return Err(invalid("Resource name should not be empty".to_string()));
    }
    if binding.pattern.resource_type == ResourceType::Cluster
        && binding.pattern.name != CLUSTER_NAME
    {
        return Err(invalid(format!(
            "The only valid name for the CLUSTER resource is {CLUSTER_NAME}"
        )));
    }
    crate::acl::parse_principal(&binding.entry.principal)
        .map_err(|error| invalid(format!("Invalid principal: {}", error.message)))?;
    Ok(())
}
