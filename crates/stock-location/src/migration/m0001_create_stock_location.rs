use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "stock_location_0001_create_stock_location"
    }
}

#[derive(DeriveIden)]
enum StockLocationAddress {
    Table,
    Id,
    #[sea_orm(iden = "address_1")]
    Address1,
    #[sea_orm(iden = "address_2")]
    Address2,
    Company,
    City,
    CountryCode,
    Phone,
    Province,
    PostalCode,
    Metadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum StockLocation {
    Table,
    Id,
    Name,
    AddressId,
    Metadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum SalesChannelStockLocation {
    Table,
    SalesChannelId,
    StockLocationId,
    CreatedAt,
}

fn timestamps(t: &mut TableCreateStatement, created: impl IntoIden, updated: impl IntoIden) {
    t.col(
        ColumnDef::new(created)
            .timestamp_with_time_zone()
            .not_null(),
    )
    .col(
        ColumnDef::new(updated)
            .timestamp_with_time_zone()
            .not_null(),
    );
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut address = Table::create();
        address
            .table(StockLocationAddress::Table)
            .col(
                ColumnDef::new(StockLocationAddress::Id)
                    .string()
                    .not_null()
                    .primary_key(),
            )
            .col(
                ColumnDef::new(StockLocationAddress::Address1)
                    .string()
                    .not_null(),
            )
            .col(
                ColumnDef::new(StockLocationAddress::Address2)
                    .string()
                    .null(),
            )
            .col(
                ColumnDef::new(StockLocationAddress::Company)
                    .string()
                    .null(),
            )
            .col(ColumnDef::new(StockLocationAddress::City).string().null())
            .col(
                ColumnDef::new(StockLocationAddress::CountryCode)
                    .string()
                    .not_null(),
            )
            .col(ColumnDef::new(StockLocationAddress::Phone).string().null())
            .col(
                ColumnDef::new(StockLocationAddress::Province)
                    .string()
                    .null(),
            )
            .col(
                ColumnDef::new(StockLocationAddress::PostalCode)
                    .string()
                    .null(),
            )
            .col(
                ColumnDef::new(StockLocationAddress::Metadata)
                    .json_binary()
                    .null(),
            );
        timestamps(
            &mut address,
            StockLocationAddress::CreatedAt,
            StockLocationAddress::UpdatedAt,
        );
        address.col(
            ColumnDef::new(StockLocationAddress::DeletedAt)
                .timestamp_with_time_zone()
                .null(),
        );
        m.create_table(address.to_owned()).await?;

        let mut location = Table::create();
        location
            .table(StockLocation::Table)
            .col(
                ColumnDef::new(StockLocation::Id)
                    .string()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(StockLocation::Name).string().not_null())
            .col(ColumnDef::new(StockLocation::AddressId).string().null())
            .col(ColumnDef::new(StockLocation::Metadata).json_binary().null());
        timestamps(
            &mut location,
            StockLocation::CreatedAt,
            StockLocation::UpdatedAt,
        );
        location
            .col(
                ColumnDef::new(StockLocation::DeletedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .foreign_key(
                ForeignKey::create()
                    .name("fk_stock_location_address")
                    .from(StockLocation::Table, StockLocation::AddressId)
                    .to(StockLocationAddress::Table, StockLocationAddress::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            );
        m.create_table(location.to_owned()).await?;
        m.create_index(
            Index::create()
                .name("idx_stock_location_address_id")
                .table(StockLocation::Table)
                .col(StockLocation::AddressId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SalesChannelStockLocation::Table)
                .col(
                    ColumnDef::new(SalesChannelStockLocation::SalesChannelId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SalesChannelStockLocation::StockLocationId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SalesChannelStockLocation::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                // Leading sales_channel_id: the storefront's lookup is by channel.
                .primary_key(
                    Index::create()
                        .col(SalesChannelStockLocation::SalesChannelId)
                        .col(SalesChannelStockLocation::StockLocationId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_sc_sloc_stock_location")
                        .from(
                            SalesChannelStockLocation::Table,
                            SalesChannelStockLocation::StockLocationId,
                        )
                        .to(StockLocation::Table, StockLocation::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sc_sloc_stock_location_id")
                .table(SalesChannelStockLocation::Table)
                .col(SalesChannelStockLocation::StockLocationId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(SalesChannelStockLocation::Table)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(StockLocation::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(StockLocationAddress::Table).to_owned())
            .await?;
        Ok(())
    }
}
