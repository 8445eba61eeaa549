import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity's views for the other modules that only label rows with a person (issue 12: cross-module
 * reads go through the owner's query methods or the views the owner maintains).
 *
 * `user_names` gives every account's id and display name, nothing else: the pages that say who
 * drew, decided, resolved, submitted or sat on a committee need no more. `user_contacts` adds the
 * e-mail address for the one page that shows it (the audit log names the actor with it). Both keep
 * every row of `users` (deactivated accounts included), so a join to them returns the rows the old
 * join to `users` returned. Password hashes, roles, units and sign-in state stay in `users`.
 */
export class CreateUserNameViews1795706000000 implements MigrationInterface {
  name = 'CreateUserNameViews1795706000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW user_names AS SELECT id, display_name FROM users`);
    await q.query(`CREATE VIEW user_contacts AS SELECT id, display_name, email FROM users`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW user_contacts`);
    await q.query(`DROP VIEW user_names`);
  }
}
