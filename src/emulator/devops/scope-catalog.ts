// The scope names the emulated service accepts in a PAT's `scope`, grouped as the Azure DevOps "New
// token" page groups them. Data only: kept in step with Microsoft's "Azure DevOps OAuth scopes"
// page (https://aka.ms/azure-devops-pat-scopes) by test/emulator/reference-lists.test.ts, which holds it
// to test/reference/azure-devops-scopes.txt. `app_token` (full access) is not a custom scope and
// is handled apart.

export const FULL_ACCESS_SCOPE = 'app_token';

export const SCOPE_CATALOG: Readonly<Record<string, readonly string[]>> = {
  'Advanced Security': ['vso.advsec', 'vso.advsec_write', 'vso.advsec_manage'],
  'Agent Pools': ['vso.agentpools', 'vso.agentpools_manage', 'vso.environment_manage'],
  Analytics: ['vso.analytics'],
  'Audit Log': ['vso.auditlog', 'vso.auditstreams_manage'],
  Build: ['vso.build', 'vso.build_execute'],
  'Connected Server': ['vso.connected_server'],
  Code: ['vso.code', 'vso.code_write', 'vso.code_manage', 'vso.code_full', 'vso.code_status'],
  Entitlements: ['vso.entitlements'],
  Extensions: ['vso.extension', 'vso.extension_manage'],
  'Extension Data': ['vso.extension.data', 'vso.extension.data_write'],
  'GitHub Connections': ['vso.githubconnections', 'vso.githubconnections_manage'],
  'Graph & Identity': ['vso.graph', 'vso.graph_manage', 'vso.identity', 'vso.identity_manage'],
  'Deployment Groups': ['vso.machinegroup_manage'],
  Marketplace: ['vso.gallery', 'vso.gallery_acquire', 'vso.gallery_publish', 'vso.gallery_manage'],
  'Member Entitlement Management': ['vso.memberentitlementmanagement', 'vso.memberentitlementmanagement_write'],
  Notifications: [
    'vso.notification',
    'vso.notification_write',
    'vso.notification_manage',
    'vso.notification_diagnostics',
  ],
  Packaging: ['vso.packaging', 'vso.packaging_write', 'vso.packaging_manage'],
  'Pipeline Resources': ['vso.pipelineresources_use', 'vso.pipelineresources_manage'],
  'Project and Team': ['vso.project', 'vso.project_write', 'vso.project_manage'],
  'Pull Request Threads': ['vso.threads_full'],
  Release: ['vso.release', 'vso.release_execute', 'vso.release_manage'],
  'Secure Files': ['vso.securefiles_read', 'vso.securefiles_write', 'vso.securefiles_manage'],
  Security: ['vso.security_manage'],
  'Service Connections': ['vso.serviceendpoint', 'vso.serviceendpoint_query', 'vso.serviceendpoint_manage'],
  'Service Hooks': ['vso.hooks', 'vso.hooks_write', 'vso.hooks_interact'],
  Settings: ['vso.settings', 'vso.settings_write'],
  Symbols: ['vso.symbols', 'vso.symbols_write', 'vso.symbols_manage'],
  'Task Groups': ['vso.taskgroups_read', 'vso.taskgroups_write', 'vso.taskgroups_manage'],
  'Team Dashboard': ['vso.dashboards', 'vso.dashboards_manage'],
  'Test Management': ['vso.test', 'vso.test_write'],
  'Token Administration': ['vso.tokenadministration'],
  Tokens: ['vso.tokens'],
  'User Profile': ['vso.profile', 'vso.profile_write'],
  'Variable Groups': ['vso.variablegroups_read', 'vso.variablegroups_write', 'vso.variablegroups_manage'],
  Wiki: ['vso.wiki', 'vso.wiki_write'],
  'Work Items': ['vso.work', 'vso.work_write', 'vso.work_full'],
};
