/**
 * A deterministic organisation for the DingTalk and WeCom fakes: a root, `branching` children,
 * each with `branching` children (3 levels: 1 + 3 + 9 = 13 departments by default), and `members`
 * people spread over the non-root departments; every 10th person is also in a second department,
 * every 50th is inactive. `userKey` links a member to a login user of the fake.
 */
export interface FakeDepartment {
  id: number;
  parentId: number | null;
  name: string;
  order: number;
}

export interface FakeMember {
  userid: string;
  name: string;
  mobile: string;
  email?: string;
  departments: number[];
  active: boolean;
  /** The fake's login user this member is (for sign-in tests). */
  userKey?: string;
}

export interface FakeOrg {
  departments: FakeDepartment[];
  members: FakeMember[];
}

export function generateOrg(opts: { branching?: number; members?: number; rootName?: string } = {}): FakeOrg {
  const branching = opts.branching ?? 3;
  const departments: FakeDepartment[] = [{ id: 1, parentId: null, name: opts.rootName ?? '门房科技', order: 0 }];
  let next = 2;
  const level2: number[] = [];
  for (let i = 0; i < branching; i++) {
    departments.push({ id: next, parentId: 1, name: `事业部${i + 1}`, order: (branching - i) * 100 });
    level2.push(next++);
  }
  for (const parent of level2) {
    for (let i = 0; i < branching; i++) departments.push({ id: next++, parentId: parent, name: `部门${parent}-${i + 1}`, order: i * 10 });
  }
  const leaves = departments.filter((d) => d.id !== 1).map((d) => d.id);
  const members: FakeMember[] = [];
  for (let i = 1; i <= (opts.members ?? 1000); i++) {
    const primary = leaves[i % leaves.length]!;
    const extra = i % 10 === 0 ? leaves[(i + 5) % leaves.length]! : undefined;
    members.push({
      userid: `u${String(i).padStart(5, '0')}`,
      name: `员工${i}`,
      mobile: `139${String(10_000_000 + i).slice(-8)}`,
      ...(i % 2 === 0 ? { email: `user${i}@example.com` } : {}),
      departments: extra && extra !== primary ? [primary, extra] : [primary],
      active: i % 50 !== 0,
    });
  }
  return { departments, members };
}
