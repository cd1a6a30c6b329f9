// The parties of the multi-process routine test (shared by the test and its worker processes).
export const MULTI_PARTIES = [
  { id: 'forsakringskassan', email: ['drift@fk.example.se'] },
  { id: 'csn', email: ['it-drift@csn.example.se'] },
  { id: 'skatteverket', lang: 'en' as const, email: ['ops@skv.example.se'] },
  { id: 'driftleverantoren', role: 'operator' as const, name: 'Driftleverantören', email: ['servicedesk@drift.example.se'] },
  { id: 'avtalsagaren', role: 'owner' as const, name: 'Avtalsägaren', email: ['avtal@example.se'] },
];
