import { defineMessages } from './define';

/** The changes of subject (SPEC §5): the five types' names. */
export default defineMessages(
  {
    'change.type.individual_to_enterprise': '个人认证变更为企业认证',
    'change.type.individual_to_individual': '变更为其他个人',
    'change.type.enterprise_entity_change': '变更企业主体',
    'change.type.enterprise_name_change': '企业名称变更',
    'change.type.legal_representative_update': '法定代表人变更',
  },
  {
    'change.type.individual_to_enterprise': 'From individual to enterprise',
    'change.type.individual_to_individual': 'To another individual',
    'change.type.enterprise_entity_change': 'To another enterprise',
    'change.type.enterprise_name_change': 'The enterprise’s new name',
    'change.type.legal_representative_update': 'A new legal representative',
  },
);
