import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../identity/access.decorators';
import { ProjectQueries } from '../procurement/project.queries';
import { ListNoticesQuery } from './dto/list-notices.query';
import { NoticesPageMeta, ProjectNoticeView, presentNotice } from './notice.presenter';

@ApiTags('notices')
@ApiExtraModels(ProjectNoticeView, NoticesPageMeta)
@Controller('api/v1/notices')
@Public()
export class NoticesApiController {
  constructor(private readonly queries: ProjectQueries) {}

  @Get('projects')
  @ApiOperation({ summary: 'Published procurement projects (never drafts), newest first; filter by status and category' })
  @ApiOkResponse({
    schema: {
      properties: {
        data: { type: 'array', items: { $ref: getSchemaPath(ProjectNoticeView) } },
        meta: { $ref: getSchemaPath(NoticesPageMeta) },
      },
    },
  })
  async list(@Query() query: ListNoticesQuery) {
    const page = await this.queries.listPublic(query);
    return { data: page.data.map(presentNotice), meta: page.meta };
  }
}
