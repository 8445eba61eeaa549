import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoredDocument } from './document.entity';
import { DocumentsService } from './documents.service';

/** Stores uploaded files; other modules own the records that cite them and check access first. */
@Module({
  imports: [TypeOrmModule.forFeature([StoredDocument])],
  providers: [DocumentsService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
