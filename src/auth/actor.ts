/** The authenticated caller of a request, as the rest of the code sees it. */
import type { ActorKind } from '../db/entities/actor.entity';
import type { Role } from './roles';

export interface Actor {
  id: string;
  kind: ActorKind;
  role: Role;
  name: string;
}
