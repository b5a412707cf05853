use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "region_0001_create_region"
    }
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
    Name,
    CurrencyCode,
    AutomaticTaxes,
    Metadata,
    DeletedAt,
}

#[derive(DeriveIden)]
enum RegionCountry {
    Table,
    #[sea_orm(iden = "iso_2")]
    Iso2,
    #[sea_orm(iden = "iso_3")]
    Iso3,
    NumCode,
    Name,
    DisplayName,
    RegionId,
    Metadata,
}

#[derive(DeriveIden)]
enum RegionPaymentProvider {
    Table,
    RegionId,
    PaymentProviderId,
    CreatedAt,
}

/// `created_at`, `updated_at`, `deleted_at`, as every Medusa table has.
fn timestamps(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(
        ColumnDef::new(Alias::new("created_at"))
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(Alias::new("updated_at"))
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(Alias::new("deleted_at"))
            .timestamp_with_time_zone()
            .null(),
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut region = Table::create();
        region
            .table(Region::Table)
            .col(ColumnDef::new(Region::Id).string().not_null().primary_key())
            .col(ColumnDef::new(Region::Name).string().not_null())
            .col(ColumnDef::new(Region::CurrencyCode).string().not_null())
            .col(
                ColumnDef::new(Region::AutomaticTaxes)
                    .boolean()
                    .not_null()
                    .default(true),
            )
            .col(ColumnDef::new(Region::Metadata).json_binary().null());
        m.create_table(timestamps(&mut region).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("idx_region_deleted_at")
                .table(Region::Table)
                .col(Region::DeletedAt)
                .to_owned(),
        )
        .await?;

        let mut country = Table::create();
        country
            .table(RegionCountry::Table)
            .col(
                ColumnDef::new(RegionCountry::Iso2)
                    .string()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(RegionCountry::Iso3).string().not_null())
            .col(ColumnDef::new(RegionCountry::NumCode).string().not_null())
            .col(ColumnDef::new(RegionCountry::Name).string().not_null())
            .col(
                ColumnDef::new(RegionCountry::DisplayName)
                    .string()
                    .not_null(),
            )
            .col(ColumnDef::new(RegionCountry::RegionId).string().null())
            .col(ColumnDef::new(RegionCountry::Metadata).json_binary().null())
            .foreign_key(
                ForeignKey::create()
                    .name("fk_region_country_region")
                    .from(RegionCountry::Table, RegionCountry::RegionId)
                    .to(Region::Table, Region::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            );
        m.create_table(timestamps(&mut country).to_owned()).await?;
        m.create_index(
            Index::create()
                .name("idx_region_country_region_id")
                .table(RegionCountry::Table)
                .col(RegionCountry::RegionId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RegionPaymentProvider::Table)
                .col(
                    ColumnDef::new(RegionPaymentProvider::RegionId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegionPaymentProvider::PaymentProviderId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(RegionPaymentProvider::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .primary_key(
                    Index::create()
                        .col(RegionPaymentProvider::RegionId)
                        .col(RegionPaymentProvider::PaymentProviderId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_region_payment_provider_region")
                        .from(
                            RegionPaymentProvider::Table,
                            RegionPaymentProvider::RegionId,
                        )
                        .to(Region::Table, Region::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RegionPaymentProvider::Table.into_iden(),
            RegionCountry::Table.into_iden(),
            Region::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
