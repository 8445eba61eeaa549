import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNotEmpty, Matches } from 'class-validator';
import { fieldMessage } from '../../common/http/validation';
import { IsCreditCode } from '../../common/validation/is-credit-code.decorator';
import { normaliseCreditCode } from '../../common/validation/credit-code';
import { EVALUATION_GRADES, EvaluationGrade, ORGANISATION_TYPES, OrganisationType, REGISTRATION_TRACKS, RegistrationTrack } from '../domain/registration';
import { CHINESE_NAME_PATTERN, IsCalendarDate, IsCount, IsFormText, PHONE_PATTERN, choose, normaliseText, required, toArray, toCount, trimText } from './form-fields';

/** Contact details: all an approved organisation may still change itself. */
export class OrganisationContactDto {
  @Transform(trimText)
  @IsFormText({ min: 1, max: 50 })
  contactPerson: string;

  @Transform(normaliseText)
  @IsFormText({ min: 7, max: 20, pattern: PHONE_PATTERN, patternKey: 'validation.organisationPhone' })
  contactPhone: string;
}

/** The organisation's record as it registers it and corrects it before approval. */
export class OrganisationDetailsDto extends OrganisationContactDto {
  @Transform(trimText)
  @IsFormText({ min: 2, max: 100, pattern: CHINESE_NAME_PATTERN, patternKey: 'validation.organisationNameChinese' })
  nameZh: string;

  /** Normalised (upper case, ASCII) before it is checked and stored. */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normaliseCreditCode(value) : value))
  @IsCreditCode()
  @IsNotEmpty({ message: required() })
  creditCode: string;

  @IsIn(REGISTRATION_TRACKS, { message: choose() })
  registrationTrack: RegistrationTrack;

  @Transform(trimText)
  @IsFormText({ min: 2, max: 100 })
  registeringAuthority: string;

  @Transform(trimText)
  @IsFormText({ min: 1, max: 50 })
  legalRepresentative: string;

  @Transform(trimText)
  @IsFormText({ min: 1, max: 50 })
  subDistrict: string;

  @Transform(trimText)
  @IsFormText({ min: 1, max: 50 })
  community: string;

  @Transform(trimText)
  @IsFormText({ min: 1, max: 200 })
  streetAddress: string;

  @Transform(normaliseText)
  @IsCalendarDate()
  foundedOn: string;

  /** In yuan as typed; parsed into fen by the registration rules (parseYuanToMinor). */
  @Transform(normaliseText)
  @IsFormText({ min: 1, max: 24 })
  registeredCapitalYuan: string;

  @IsIn(ORGANISATION_TYPES, { message: choose() })
  organisationType: OrganisationType;

  /** Catalogue category codes; that they exist is checked against the catalogue. */
  @Transform(toArray)
  @Matches(/^C\d{2}$/, { each: true, message: fieldMessage('validation.organisationCategoriesInvalid') })
  @ArrayMaxSize(50, { message: fieldMessage('validation.organisationCategoriesInvalid') })
  @ArrayMinSize(1, { message: fieldMessage('validation.organisationCategoriesRequired') })
  serviceCategories: string[];

  @Transform(toCount)
  @IsCount(1_000_000)
  staffCount: number;

  @Transform(toCount)
  @IsCount(1_000_000)
  socialWorkerCount: number;

  @IsIn(EVALUATION_GRADES, { message: choose() })
  evaluationGrade: EvaluationGrade;
}
