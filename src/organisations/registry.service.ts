import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { normaliseCreditCode } from '../common/validation/credit-code';
import { RegistryQuery } from './dto/registry.query';
import { Organisation } from './organisation.entity';
import { OrganisationNotFoundError } from './organisations.errors';
import { likeContains } from './vetting.service';
import { isUuid } from '../common/validation/uuid';

export interface RegistryPage {
  data: Organisation[];
  meta: { page: number; pageSize: number; total: number };
}

/** The public registry: approved organisations only, for anyone, without signing in. */
@Injectable()
export class RegistryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(query: RegistryQuery): Promise<RegistryPage> {
    const qb = this.dataSource.getRepository(Organisation).createQueryBuilder('o').where(`o.status = 'approved'`);
    if (query.q) {
      qb.andWhere(`(o.name_zh ILIKE :name ESCAPE '\\' OR o.credit_code::text LIKE :code ESCAPE '\\')`, {
        name: likeContains(query.q),
        code: likeContains(normaliseCreditCode(query.q)),
      });
    }
    if (query.category) qb.andWhere('o.service_categories @> ARRAY[:category]::text[]', { category: query.category });
    if (query.grade) qb.andWhere('o.evaluation_grade = :grade', { grade: query.grade });
    const [data, total] = await qb
      .orderBy('o.name_zh', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
    return { data, meta: { page: query.page, pageSize: query.pageSize, total } };
  }

  /** One approved organisation; any other status (or an unknown id) is not found. */
  async get(id: string): Promise<Organisation> {
    const organisation = isUuid(id) ? await this.dataSource.getRepository(Organisation).findOneBy({ id, status: 'approved' }) : null;
    if (!organisation) throw new OrganisationNotFoundError();
    return organisation;
  }
}
