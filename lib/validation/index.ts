export { useEnglishIssues } from './english-issues.js';
