/** Hidden ids of sessions, named profiles and integrations (also the namespace of their secrets): random v4 UUIDs. */
import { v4 } from 'uuid';

export const newId = (): string => v4();
