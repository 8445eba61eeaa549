import { Injectable } from '@nestjs/common';

export interface DashboardUser {
  id: string;
  roles: string[];
  organisationId: string | null;
}

/** A panel on the signed-in dashboard: a partial under views/partials/ and its data. */
export interface DashboardWidget {
  titleKey: string;
  partial: string;
  data: Record<string, unknown>;
  /** Lower first. */
  order: number;
}

export type DashboardProvider = (user: DashboardUser) => Promise<DashboardWidget[]>;

/**
 * Each module contributes what its users have to do now (registrations awaiting review, an
 * organisation's status, bids to open…) without the dashboard depending on every module.
 */
@Injectable()
export class DashboardRegistry {
  private readonly providers: DashboardProvider[] = [];

  register(provider: DashboardProvider): void {
    this.providers.push(provider);
  }

  async widgetsFor(user: DashboardUser): Promise<DashboardWidget[]> {
    const lists = await Promise.all(this.providers.map((p) => p(user)));
    return lists.flat().sort((a, b) => a.order - b.order);
  }
}
