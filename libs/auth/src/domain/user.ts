import type { Role } from '@uyoop/shared';
import type { Username } from './username';

export interface UserProps {
  id: string;
  username: string;
  email: string | null;
  passwordHash: string;
  role: Role;
  totpEnabled: boolean;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** An account. Plain data with behaviour named after what it does; persistence maps it at the edge. */
export class User {
  private constructor(private props: UserProps) {}

  static register(input: {
    id: string;
    username: Username;
    email: string | null;
    passwordHash: string;
    role: Role;
    now: Date;
  }): User {
    return new User({
      id: input.id,
      username: input.username.value,
      email: input.email,
      passwordHash: input.passwordHash,
      role: input.role,
      totpEnabled: false,
      isActive: true,
      createdAt: input.now,
      updatedAt: input.now,
    });
  }

  static restore(props: UserProps): User {
    return new User({ ...props });
  }

  get id(): string {
    return this.props.id;
  }
  get username(): string {
    return this.props.username;
  }
  get email(): string | null {
    return this.props.email;
  }
  get passwordHash(): string {
    return this.props.passwordHash;
  }
  get role(): Role {
    return this.props.role;
  }
  get totpEnabled(): boolean {
    return this.props.totpEnabled;
  }
  get isActive(): boolean {
    return this.props.isActive;
  }
  get createdAt(): Date {
    return this.props.createdAt;
  }
  get updatedAt(): Date {
    return this.props.updatedAt;
  }

  changePasswordHash(hash: string, now: Date): void {
    this.props = { ...this.props, passwordHash: hash, updatedAt: now };
  }

  changeRole(role: Role, now: Date): void {
    this.props = { ...this.props, role, updatedAt: now };
  }

  changeEmail(email: string | null, now: Date): void {
    this.props = { ...this.props, email, updatedAt: now };
  }

  setActive(isActive: boolean, now: Date): void {
    this.props = { ...this.props, isActive, updatedAt: now };
  }

  get isActiveAdmin(): boolean {
    return this.props.isActive && this.props.role === 'ADMIN';
  }

  toProps(): UserProps {
    return { ...this.props };
  }
}
