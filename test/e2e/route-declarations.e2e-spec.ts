import { listRoutes } from '../support/routes';
import { TestApp, createTestApp } from '../support/test-app';

describe('route declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds the application routes', () => {
    const routes = listRoutes(t);
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/catalogue/items', isPublic: true }));
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/dashboard', isPublic: false }));
  });

  it('every route declares @Public() or the roles allowed to call it', () => {
    const undeclared = listRoutes(t)
      .filter((r) => !r.isPublic && (!r.roles || r.roles.length === 0))
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('refuses a route that declares nothing, even to a signed-in admin (closed by default)', async () => {
    // The guard itself: a handler without metadata is denied.
    const { AccessGuard, UndeclaredAccessError } = await import('../../src/identity/access.guard');
    const { Reflector } = await import('@nestjs/core');
    const guard = new AccessGuard(new Reflector());
    class Bare {
      handler() {
        return 1;
      }
    }
    const context = {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the guard reads metadata off the method itself, never calls it
      getHandler: () => Bare.prototype.handler,
      getClass: () => Bare,
      switchToHttp: () => ({ getRequest: () => ({ method: 'GET', path: '/bare', user: { id: 'x', roles: ['admin'] } }) }),
    };
    expect(() => guard.canActivate(context as never)).toThrow(UndeclaredAccessError);
  });
});
